/*
 * gpiod_lib.h: libgpiod (1.6), loaded when the reset button's watcher
 * starts with a gpio button (button: backend gpio) rather than at every
 * start of the wizard (common/lazy_lib.h). Code that includes this file
 * calls the library as its manual writes it.
 */
#ifndef NVR_BACKENDS_BUTTON_GPIOD_LIB_H
#define NVR_BACKENDS_BUTTON_GPIOD_LIB_H

#include <gpiod.h>

#include "common/lazy_lib.h"
#include "common/nvr_error.h"

#define GPIOD_LIB_FUNCTIONS(F) \
	F(gpiod_chip_close) F(gpiod_chip_find_line) F(gpiod_chip_get_line) \
	F(gpiod_chip_name) F(gpiod_chip_open_lookup) \
	F(gpiod_line_event_get_fd) F(gpiod_line_get_value) F(gpiod_line_release) \
	F(gpiod_line_request_both_edges_events_flags)

struct gpiod_lib {
	GPIOD_LIB_FUNCTIONS(LAZY_LIB_POINTER)
};

extern struct gpiod_lib gpiod_lib;

/* Loads the library (lazy_lib_load): 0, or -ENOENT with ERR saying why. */
int gpiod_lib_load(struct nvr_error *err);

#ifndef GPIOD_LIB_NO_NAMES
#define gpiod_chip_close (*gpiod_lib.gpiod_chip_close)
#define gpiod_chip_find_line (*gpiod_lib.gpiod_chip_find_line)
#define gpiod_chip_get_line (*gpiod_lib.gpiod_chip_get_line)
#define gpiod_chip_name (*gpiod_lib.gpiod_chip_name)
#define gpiod_chip_open_lookup (*gpiod_lib.gpiod_chip_open_lookup)
#define gpiod_line_event_get_fd (*gpiod_lib.gpiod_line_event_get_fd)
#define gpiod_line_get_value (*gpiod_lib.gpiod_line_get_value)
#define gpiod_line_release (*gpiod_lib.gpiod_line_release)
#define gpiod_line_request_both_edges_events_flags \
	(*gpiod_lib.gpiod_line_request_both_edges_events_flags)
#endif

#endif
