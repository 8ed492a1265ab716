#ifndef PORTICO_CTURBOJPEG_SHIM_H
#define PORTICO_CTURBOJPEG_SHIM_H
#include <turbojpeg.h>
#endif
