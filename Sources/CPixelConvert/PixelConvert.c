#include "PixelConvert.h"

// Compiled with optimisation even in debug builds (see Package.swift): a camera frame
// is hundreds of thousands of pixels, and a debug build on a board must still keep up.

#define SPLIT_ROWS(Y0, U, Y1, V)                                                              \
    for (int row = 0; row < height; row += 2) {                                               \
        const uint8_t *restrict a = source + (size_t)row * source_stride;                    \
        const uint8_t *restrict b = a + source_stride;                                        \
        uint8_t *restrict ya = y + (size_t)row * width;                                       \
        uint8_t *restrict yb = ya + width;                                                    \
        uint8_t *restrict uo = u + (size_t)(row / 2) * half;                                  \
        uint8_t *restrict vo = v + (size_t)(row / 2) * half;                                  \
        for (int x = 0; x < half; x++) {                                                      \
            const uint8_t *pa = a + 4 * x, *pb = b + 4 * x;                                   \
            ya[2 * x] = pa[Y0];                                                               \
            ya[2 * x + 1] = pa[Y1];                                                           \
            yb[2 * x] = pb[Y0];                                                               \
            yb[2 * x + 1] = pb[Y1];                                                           \
            uo[x] = (uint8_t)((pa[U] + pb[U] + 1) >> 1);                                      \
            vo[x] = (uint8_t)((pa[V] + pb[V] + 1) >> 1);                                      \
        }                                                                                     \
    }

void portico_packed422_to_i420(const uint8_t *source, size_t source_stride, int width, int height,
                               portico_packed_order order, uint8_t *y, uint8_t *u, uint8_t *v) {
    const int half = width / 2;
    if (order == PORTICO_PACKED_UYVY) {
        SPLIT_ROWS(1, 0, 3, 2)
    } else {
        SPLIT_ROWS(0, 1, 2, 3)
    }
}
