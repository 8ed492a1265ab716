#ifndef PORTICO_CFUZZER_H
#define PORTICO_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). SwiftPM links an
   executable's entry point as `<module>_main`, so a harness calls the driver from there
   instead of letting libFuzzer own main(). Only referenced in -DFUZZING builds. */
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));

#endif
