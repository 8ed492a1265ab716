// libgpiod 1.6 (Debian 12's libgpiod-dev): the v1 API. Only Sources/GPIOLines uses it.
#include <gpiod.h>
