#ifndef PORTICO_PIXEL_CONVERT_H
#define PORTICO_PIXEL_CONVERT_H

#include <stddef.h>
#include <stdint.h>

/// Byte order of a packed 4:2:2 picture: two pixels in four bytes.
typedef enum {
    PORTICO_PACKED_YUYV = 0, /* Y0 U Y1 V */
    PORTICO_PACKED_UYVY = 1, /* U Y0 V Y1 */
} portico_packed_order;

/// Splits a packed 4:2:2 picture (YUYV, UYVY) into I420 planes for the JPEG encoder:
/// luma copied, chroma averaged over each pair of rows. No colour conversion.
/// `width` and `height` must be even; `y` holds width*height bytes, `u` and `v`
/// (width/2)*(height/2) each.
void portico_packed422_to_i420(const uint8_t *source, size_t source_stride, int width, int height,
                               portico_packed_order order, uint8_t *y, uint8_t *u, uint8_t *v);

#endif
