/* sqlite_lib.c: libsqlite3, loaded on first use (sqlite_lib.h). */
#define SQLITE_LIB_NO_NAMES
#include "backends/accounts/sqlite_lib.h"

/* The library the build linked against (Makefile: its SONAME). */
#ifndef NVR_SQLITE_SONAME
#define NVR_SQLITE_SONAME "libsqlite3.so.0"
#endif

#define LAZY_LIB_TYPE struct sqlite_lib
LAZY_LIB_DEFINE(sqlite_lib, SQLITE_LIB_FUNCTIONS,
    sqlite_lib_load, NVR_SQLITE_SONAME, "libsqlite3-0",
    "an SQLite store (Frigate's)")
