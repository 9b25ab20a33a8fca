/* evdev_lib.c: libevdev, loaded on first use (evdev_lib.h). */
#define EVDEV_LIB_NO_NAMES
#include "backends/button/evdev_lib.h"

/* The library the build linked against (Makefile: its SONAME). */
#ifndef NVR_EVDEV_SONAME
#define NVR_EVDEV_SONAME "libevdev.so.2"
#endif

#define LAZY_LIB_TYPE struct evdev_lib
LAZY_LIB_DEFINE(evdev_lib, EVDEV_LIB_FUNCTIONS,
    evdev_lib_load, NVR_EVDEV_SONAME, "libevdev2",
    "the reset button's watcher (button: backend evdev)")
