/*
 * sql_name.h: the table and column names a config gives an SQL store
 * (sqlite, mariadb). Only plain names are taken, so that they can be
 * quoted into a statement; every value is a bound parameter.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_SQL_NAME_H
#define NVR_BACKENDS_ACCOUNTS_SQL_NAME_H

#include <stdbool.h>

#include "config/document.h"

#define SQL_NAME_MAX 64		/* bytes; MariaDB's identifier limit */

/* True if NAME is a letter or '_', then letters, digits or '_', 1 to
 * SQL_NAME_MAX bytes. */
bool sql_name_ok(const char *name);

/* Copies the plain SQL name under KEY (or FALLBACK; "" if neither) into
 * OUT (SQL_NAME_MAX + 1 bytes). A name that is not plain is a config
 * error at KEY: false. */
bool sql_name_set(const struct config_section *settings, const char *key,
    const char *fallback, char *out);

#endif
