/*
 * mariadb_lib.h: libmariadb, loaded when a ZoneMinder or MariaDB store is
 * opened rather than at every start (common/lazy_lib.h): it and the
 * OpenSSL and zlib it brings are 4.4 ms of the wizard's start-up and 2.1
 * MiB of its memory on an x86-64 VM, and only those stores use them. Code
 * that includes this file calls the library as its manual writes it
 * (mysql_init(...)): each name below stands for the pointer that
 * mariadb_lib_load filled in.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_MARIADB_LIB_H
#define NVR_BACKENDS_ACCOUNTS_MARIADB_LIB_H

#include <mysql.h>

#include "common/lazy_lib.h"
#include "common/nvr_error.h"

#define MARIADB_LIB_FUNCTIONS(F) \
	F(mysql_autocommit) F(mysql_close) F(mysql_commit) F(mysql_errno) \
	F(mysql_error) F(mysql_free_result) F(mysql_init) F(mysql_optionsv) \
	F(mysql_query) F(mysql_real_connect) F(mysql_rollback) \
	F(mysql_stmt_affected_rows) F(mysql_stmt_bind_param) \
	F(mysql_stmt_bind_result) F(mysql_stmt_close) F(mysql_stmt_errno) \
	F(mysql_stmt_error) F(mysql_stmt_execute) F(mysql_stmt_fetch) \
	F(mysql_stmt_init) F(mysql_stmt_prepare) F(mysql_stmt_store_result) \
	F(mysql_store_result) F(mysql_thread_id)

struct mariadb_lib {
	MARIADB_LIB_FUNCTIONS(LAZY_LIB_POINTER)
};

extern struct mariadb_lib mariadb_lib;

/* Loads the library (lazy_lib_load): 0, or -ENOENT with ERR saying why. */
int mariadb_lib_load(struct nvr_error *err);

#ifndef MARIADB_LIB_NO_NAMES
#define mysql_autocommit (*mariadb_lib.mysql_autocommit)
#define mysql_close (*mariadb_lib.mysql_close)
#define mysql_commit (*mariadb_lib.mysql_commit)
#define mysql_errno (*mariadb_lib.mysql_errno)
#define mysql_error (*mariadb_lib.mysql_error)
#define mysql_free_result (*mariadb_lib.mysql_free_result)
#define mysql_init (*mariadb_lib.mysql_init)
#define mysql_optionsv (*mariadb_lib.mysql_optionsv)
#define mysql_query (*mariadb_lib.mysql_query)
#define mysql_real_connect (*mariadb_lib.mysql_real_connect)
#define mysql_rollback (*mariadb_lib.mysql_rollback)
#define mysql_stmt_affected_rows (*mariadb_lib.mysql_stmt_affected_rows)
#define mysql_stmt_bind_param (*mariadb_lib.mysql_stmt_bind_param)
#define mysql_stmt_bind_result (*mariadb_lib.mysql_stmt_bind_result)
#define mysql_stmt_close (*mariadb_lib.mysql_stmt_close)
#define mysql_stmt_errno (*mariadb_lib.mysql_stmt_errno)
#define mysql_stmt_error (*mariadb_lib.mysql_stmt_error)
#define mysql_stmt_execute (*mariadb_lib.mysql_stmt_execute)
#define mysql_stmt_fetch (*mariadb_lib.mysql_stmt_fetch)
#define mysql_stmt_init (*mariadb_lib.mysql_stmt_init)
#define mysql_stmt_prepare (*mariadb_lib.mysql_stmt_prepare)
#define mysql_stmt_store_result (*mariadb_lib.mysql_stmt_store_result)
#define mysql_store_result (*mariadb_lib.mysql_store_result)
#define mysql_thread_id (*mariadb_lib.mysql_thread_id)
#endif

#endif
