/* mariadb_lib.c: libmariadb, loaded on first use (mariadb_lib.h). */
#define MARIADB_LIB_NO_NAMES
#include "backends/accounts/mariadb_lib.h"

/* The library the build linked against (Makefile: its SONAME). */
#ifndef NVR_MARIADB_SONAME
#define NVR_MARIADB_SONAME "libmariadb.so.3"
#endif

#define LAZY_LIB_TYPE struct mariadb_lib
LAZY_LIB_DEFINE(mariadb_lib, MARIADB_LIB_FUNCTIONS,
    mariadb_lib_load, NVR_MARIADB_SONAME, "libmariadb3",
    "a ZoneMinder or MariaDB store")
