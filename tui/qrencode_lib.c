/* qrencode_lib.c: libqrencode, loaded on first use (qrencode_lib.h). */
#define QRENCODE_LIB_NO_NAMES
#include "tui/qrencode_lib.h"

/* The library the build linked against (Makefile: its SONAME). */
#ifndef NVR_QRENCODE_SONAME
#define NVR_QRENCODE_SONAME "libqrencode.so.4"
#endif

#define LAZY_LIB_TYPE struct qrencode_lib
LAZY_LIB_DEFINE(qrencode_lib, QRENCODE_LIB_FUNCTIONS,
    qrencode_lib_load, NVR_QRENCODE_SONAME, "libqrencode4",
    "the support request's QR code")
