/*
 * evdev_lib.h: libevdev, loaded when the reset button's watcher starts
 * (nvr-recovery --watch-button) rather than at every start of the
 * wizard (common/lazy_lib.h). Code that includes this file calls the
 * library as its manual writes it.
 */
#ifndef NVR_BACKENDS_BUTTON_EVDEV_LIB_H
#define NVR_BACKENDS_BUTTON_EVDEV_LIB_H

#include <libevdev/libevdev.h>

#include "common/lazy_lib.h"
#include "common/nvr_error.h"

#define EVDEV_LIB_FUNCTIONS(F) \
	F(libevdev_event_code_from_name) F(libevdev_event_code_get_name) \
	F(libevdev_free) F(libevdev_get_event_value) F(libevdev_get_name) \
	F(libevdev_has_event_code) F(libevdev_new_from_fd) \
	F(libevdev_set_clock_id)

struct evdev_lib {
	EVDEV_LIB_FUNCTIONS(LAZY_LIB_POINTER)
};

extern struct evdev_lib evdev_lib;

/* Loads the library (lazy_lib_load): 0, or -ENOENT with ERR saying why. */
int evdev_lib_load(struct nvr_error *err);

#ifndef EVDEV_LIB_NO_NAMES
#define libevdev_event_code_from_name (*evdev_lib.libevdev_event_code_from_name)
#define libevdev_event_code_get_name (*evdev_lib.libevdev_event_code_get_name)
#define libevdev_free (*evdev_lib.libevdev_free)
#define libevdev_get_event_value (*evdev_lib.libevdev_get_event_value)
#define libevdev_get_name (*evdev_lib.libevdev_get_name)
#define libevdev_has_event_code (*evdev_lib.libevdev_has_event_code)
#define libevdev_new_from_fd (*evdev_lib.libevdev_new_from_fd)
#define libevdev_set_clock_id (*evdev_lib.libevdev_set_clock_id)
#endif

#endif
