/*
 * test_lazy_lib.c: a library loaded on first use (common/lazy_lib.c): a
 * real one is loaded and called through its table; a missing one, or
 * one without a function, is told by name, with what needs it and the
 * package to install, and not tried again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "common/lazy_lib.h"

struct libm_table {
	__typeof__(&ldexp) ldexp;
	__typeof__(&frexp) frexp;
};

static const struct lazy_symbol libm_symbols[] = {
	LAZY_LIB_SYMBOL(struct libm_table, ldexp)
	LAZY_LIB_SYMBOL(struct libm_table, frexp)
};

static void
test_load_ok_real_library(void **state)
{
	struct libm_table table = { NULL, NULL };
	struct lazy_lib lib = { .soname = "libm.so.6", .package = "libc6",
	    .needed_by = "the test", .symbols = libm_symbols, .count = 2,
	    .table = &table };
	struct nvr_error err = { "" };
	int exp;

	(void)state;
	assert_int_equal(lazy_lib_load(&lib, &err), 0);
	assert_non_null(table.ldexp);
	assert_true(table.ldexp(3.0, 2) == 12.0);
	assert_true(table.frexp(8.0, &exp) == 0.5 && exp == 4);
	/* Loaded once: a second call changes nothing. */
	assert_int_equal(lazy_lib_load(&lib, &err), 0);
}

static void
test_load_nok_missing_library(void **state)
{
	struct libm_table table = { NULL, NULL };
	struct lazy_lib lib = { .soname = "libnvr-not-there.so.9",
	    .package = "libnvr-not-there9", .needed_by = "a ZoneMinder store",
	    .symbols = libm_symbols, .count = 2, .table = &table };
	struct nvr_error err = { "" }, again = { "" };

	(void)state;
	assert_int_equal(lazy_lib_load(&lib, &err), -ENOENT);
	assert_non_null(strstr(err.message, "cannot load "
	    "libnvr-not-there.so.9, which a ZoneMinder store needs (install "
	    "libnvr-not-there9): "));
	assert_null(table.ldexp);
	/* Not tried again, and said the same. */
	assert_int_equal(lazy_lib_load(&lib, &again), -ENOENT);
	assert_string_equal(again.message, err.message);
	assert_int_equal(lazy_lib_load(&lib, NULL), -ENOENT);
}

static void
test_load_nok_missing_function(void **state)
{
	struct nvr_table {
		__typeof__(&ldexp) ldexp;
		__typeof__(&ldexp) nvr_no_such_function;
	} table = { NULL, NULL };
	static const struct lazy_symbol symbols[] = {
		LAZY_LIB_SYMBOL(struct nvr_table, ldexp)
		LAZY_LIB_SYMBOL(struct nvr_table, nvr_no_such_function)
	};
	struct lazy_lib lib = { .soname = "libm.so.6", .package = "libc6",
	    .needed_by = "the test", .symbols = symbols, .count = 2,
	    .table = &table };
	struct nvr_error err = { "" };

	(void)state;
	assert_int_equal(lazy_lib_load(&lib, &err), -ENOENT);
	assert_non_null(strstr(err.message, "libm.so.6 has no "
	    "nvr_no_such_function, which the test needs: "));
	assert_null(lib.handle);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_ok_real_library),
		cmocka_unit_test(test_load_nok_missing_library),
		cmocka_unit_test(test_load_nok_missing_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
