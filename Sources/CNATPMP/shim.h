#ifndef PORTICO_CNATPMP_SHIM_H
#define PORTICO_CNATPMP_SHIM_H
/* strnatpmperr is only declared with this defined. libnatpmp ships no .pc file. */
#define ENABLE_STRNATPMPERR 1
#include <natpmp.h>

static const int portico_natpmp_tryagain = NATPMP_TRYAGAIN;
#endif
