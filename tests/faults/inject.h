/*
 * inject.h: faults at the write sites of a store, for tests/faults.
 *
 * The fault test's binary defines the system calls a store writes with
 * (open64, openat64, write, pwrite64, fsync, fdatasync, ftruncate64,
 * renameat, renameat2, mkdir, mkdirat, unlink, unlinkat, link, fchmod,
 * fchown, close) and passes each to the C library's own. Being in the
 * executable, they are the ones the project's objects call, and the ones
 * libsqlite3 calls too (its unix VFS takes them from the global scope).
 * A call made inside the C library itself (stdio's flush) is not seen;
 * no store writes through stdio.
 *
 * While armed, every call that changes a file is a "site", counted from
 * 1 across the process and its children (the plan is in shared memory:
 * the SQLite store writes in a child of its own). In a counting run each
 * site is named ("renameat shadow+ -> shadow"); in a fault run site
 * TARGET gets FAULT, every other site runs as it would.
 */
#ifndef NVR_TESTS_FAULTS_INJECT_H
#define NVR_TESTS_FAULTS_INJECT_H

#include <stdbool.h>

enum fault {
	FAULT_ENOSPC,
	FAULT_EIO,
	FAULT_EROFS,
	FAULT_SHORT,	/* a write that writes half of what it was given
			 * (one byte: ENOSPC), and every later write
			 * ENOSPC: the disk filled up */
	FAULT_KILL,	/* SIGKILL to the process group, before the call */
	FAULT_COUNT
};

#define INJECT_SITES_MAX 256
#define INJECT_SITE_NAME 96

/* Maps the shared plan; once, before any fork. */
void inject_init(void);

/* Counting: every site is named, none fails. */
void inject_count(void);

/* Fault run: site TARGET (from 1) gets FAULT. */
void inject_arm(unsigned target, enum fault fault);

/* No site is counted or failed. */
void inject_disarm(void);

/* Sites seen since the last inject_count or inject_arm. */
unsigned inject_seen(void);

/* Site I's name (from 1), from the last counting run. */
const char *inject_site_name(unsigned i);

/* The call kind of site I ("write"), from its name. */
void inject_site_kind(unsigned i, char *out, unsigned size);

/* Whether site I's call can be cut short (write, pwrite). */
bool inject_site_writes(unsigned i);

/* Whether the armed fault happened. */
bool inject_fired(void);

const char *fault_name(enum fault fault);

#endif
