/*
 * sqlite_lib.h: libsqlite3, loaded when an SQLite store (Frigate's) is
 * opened rather than at every start (common/lazy_lib.h). Code that
 * includes this file calls the library as its manual writes it.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_SQLITE_LIB_H
#define NVR_BACKENDS_ACCOUNTS_SQLITE_LIB_H

#include <sqlite3.h>

#include "common/lazy_lib.h"
#include "common/nvr_error.h"

#define SQLITE_LIB_FUNCTIONS(F) \
	F(sqlite3_bind_int64) F(sqlite3_bind_text) F(sqlite3_busy_timeout) \
	F(sqlite3_changes) F(sqlite3_close) F(sqlite3_close_v2) \
	F(sqlite3_column_blob) F(sqlite3_column_bytes) \
	F(sqlite3_column_count) F(sqlite3_column_int) \
	F(sqlite3_column_int64) F(sqlite3_column_text) \
	F(sqlite3_column_type) F(sqlite3_errmsg) F(sqlite3_errstr) \
	F(sqlite3_exec) F(sqlite3_extended_result_codes) F(sqlite3_finalize) \
	F(sqlite3_open) F(sqlite3_open_v2) F(sqlite3_prepare_v2) \
	F(sqlite3_step) F(sqlite3_stricmp) F(sqlite3_system_errno)

struct sqlite_lib {
	SQLITE_LIB_FUNCTIONS(LAZY_LIB_POINTER)
};

extern struct sqlite_lib sqlite_lib;

/* Loads the library (lazy_lib_load): 0, or -ENOENT with ERR saying why. */
int sqlite_lib_load(struct nvr_error *err);

#ifndef SQLITE_LIB_NO_NAMES
#define sqlite3_bind_int64 (*sqlite_lib.sqlite3_bind_int64)
#define sqlite3_bind_text (*sqlite_lib.sqlite3_bind_text)
#define sqlite3_busy_timeout (*sqlite_lib.sqlite3_busy_timeout)
#define sqlite3_changes (*sqlite_lib.sqlite3_changes)
#define sqlite3_close (*sqlite_lib.sqlite3_close)
#define sqlite3_close_v2 (*sqlite_lib.sqlite3_close_v2)
#define sqlite3_column_blob (*sqlite_lib.sqlite3_column_blob)
#define sqlite3_column_bytes (*sqlite_lib.sqlite3_column_bytes)
#define sqlite3_column_count (*sqlite_lib.sqlite3_column_count)
#define sqlite3_column_int (*sqlite_lib.sqlite3_column_int)
#define sqlite3_column_int64 (*sqlite_lib.sqlite3_column_int64)
#define sqlite3_column_text (*sqlite_lib.sqlite3_column_text)
#define sqlite3_column_type (*sqlite_lib.sqlite3_column_type)
#define sqlite3_errmsg (*sqlite_lib.sqlite3_errmsg)
#define sqlite3_errstr (*sqlite_lib.sqlite3_errstr)
#define sqlite3_exec (*sqlite_lib.sqlite3_exec)
#define sqlite3_extended_result_codes (*sqlite_lib.sqlite3_extended_result_codes)
#define sqlite3_finalize (*sqlite_lib.sqlite3_finalize)
#define sqlite3_open (*sqlite_lib.sqlite3_open)
#define sqlite3_open_v2 (*sqlite_lib.sqlite3_open_v2)
#define sqlite3_prepare_v2 (*sqlite_lib.sqlite3_prepare_v2)
#define sqlite3_step (*sqlite_lib.sqlite3_step)
#define sqlite3_stricmp (*sqlite_lib.sqlite3_stricmp)
#define sqlite3_system_errno (*sqlite_lib.sqlite3_system_errno)
#endif

#endif
