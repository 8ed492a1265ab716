#ifndef PORTICO_CV4L2_SHIM_H
#define PORTICO_CV4L2_SHIM_H

// libv4l2 over the kernel's V4L2 interface. libv4l2 passes native formats through
// untouched and converts the others (Bayer, vendor formats...) to ones Portico
// encodes, so one code path serves every camera.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

// Swift does not import variadic C functions.
static inline int portico_v4l2_open(const char *path, int flags) { return v4l2_open(path, flags); }
static inline int portico_v4l2_ioctl(int fd, unsigned long request, void *argument) {
    return v4l2_ioctl(fd, request, argument);
}

// Swift does not import function-like macros: the ioctl requests and pixel formats
// Portico uses, as constants.
static const unsigned long PORTICO_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
static const unsigned long PORTICO_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
static const unsigned long PORTICO_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;
static const unsigned long PORTICO_VIDIOC_ENUM_FRAMEINTERVALS = VIDIOC_ENUM_FRAMEINTERVALS;
static const unsigned long PORTICO_VIDIOC_G_FMT = VIDIOC_G_FMT;
static const unsigned long PORTICO_VIDIOC_S_FMT = VIDIOC_S_FMT;
static const unsigned long PORTICO_VIDIOC_G_PARM = VIDIOC_G_PARM;
static const unsigned long PORTICO_VIDIOC_S_PARM = VIDIOC_S_PARM;
static const unsigned long PORTICO_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
static const unsigned long PORTICO_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
static const unsigned long PORTICO_VIDIOC_QBUF = VIDIOC_QBUF;
static const unsigned long PORTICO_VIDIOC_DQBUF = VIDIOC_DQBUF;
static const unsigned long PORTICO_VIDIOC_STREAMON = VIDIOC_STREAMON;
static const unsigned long PORTICO_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;
static const unsigned long PORTICO_VIDIOC_ENUMINPUT = VIDIOC_ENUMINPUT;
static const unsigned long PORTICO_VIDIOC_G_INPUT = VIDIOC_G_INPUT;
static const unsigned long PORTICO_VIDIOC_S_INPUT = VIDIOC_S_INPUT;
static const unsigned long PORTICO_VIDIOC_QUERY_DV_TIMINGS = VIDIOC_QUERY_DV_TIMINGS;
static const unsigned long PORTICO_VIDIOC_S_DV_TIMINGS = VIDIOC_S_DV_TIMINGS;
static const unsigned long PORTICO_VIDIOC_G_DV_TIMINGS = VIDIOC_G_DV_TIMINGS;

static const unsigned int PORTICO_V4L2_PIX_FMT_YUYV = V4L2_PIX_FMT_YUYV;
static const unsigned int PORTICO_V4L2_PIX_FMT_UYVY = V4L2_PIX_FMT_UYVY;
static const unsigned int PORTICO_V4L2_PIX_FMT_YUV420 = V4L2_PIX_FMT_YUV420;
static const unsigned int PORTICO_V4L2_PIX_FMT_MJPEG = V4L2_PIX_FMT_MJPEG;
static const unsigned int PORTICO_V4L2_PIX_FMT_JPEG = V4L2_PIX_FMT_JPEG;

#endif
