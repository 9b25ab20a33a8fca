/* serialport_lib.c: libserialport, loaded on first use (serialport_lib.h). */
#define SERIALPORT_LIB_NO_NAMES
#include "tui/serialport_lib.h"

/* The library the build linked against (Makefile: its SONAME). */
#ifndef NVR_SERIALPORT_SONAME
#define NVR_SERIALPORT_SONAME "libserialport.so.0"
#endif

#define LAZY_LIB_TYPE struct serialport_lib
LAZY_LIB_DEFINE(serialport_lib, SERIALPORT_LIB_FUNCTIONS,
    serialport_lib_load, NVR_SERIALPORT_SONAME, "libserialport0",
    "--port")
