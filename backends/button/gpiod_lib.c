/* gpiod_lib.c: libgpiod, loaded on first use (gpiod_lib.h). */
#define GPIOD_LIB_NO_NAMES
#include "backends/button/gpiod_lib.h"

/* The library the build linked against (Makefile: its SONAME). */
#ifndef NVR_GPIOD_SONAME
#define NVR_GPIOD_SONAME "libgpiod.so.2"
#endif

#define LAZY_LIB_TYPE struct gpiod_lib
LAZY_LIB_DEFINE(gpiod_lib, GPIOD_LIB_FUNCTIONS,
    gpiod_lib_load, NVR_GPIOD_SONAME, "libgpiod2",
    "the reset button's watcher (button: backend gpio)")
