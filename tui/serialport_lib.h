/*
 * serialport_lib.h: libserialport, loaded when --port opens or lists a
 * serial port rather than at every start (common/lazy_lib.h). Code that
 * includes this file calls the library as its manual writes it.
 */
#ifndef NVR_TUI_SERIALPORT_LIB_H
#define NVR_TUI_SERIALPORT_LIB_H

#include <libserialport.h>

#include "common/lazy_lib.h"
#include "common/nvr_error.h"

#define SERIALPORT_LIB_FUNCTIONS(F) \
	F(sp_close) F(sp_free_error_message) F(sp_free_port) \
	F(sp_free_port_list) F(sp_get_port_by_name) \
	F(sp_get_port_description) F(sp_get_port_handle) \
	F(sp_get_port_name) F(sp_last_error_code) \
	F(sp_last_error_message) F(sp_list_ports) F(sp_open) \
	F(sp_set_baudrate) F(sp_set_bits) F(sp_set_flowcontrol) \
	F(sp_set_parity) F(sp_set_stopbits)

struct serialport_lib {
	SERIALPORT_LIB_FUNCTIONS(LAZY_LIB_POINTER)
};

extern struct serialport_lib serialport_lib;

/* Loads the library (lazy_lib_load): 0, or -ENOENT with ERR saying why. */
int serialport_lib_load(struct nvr_error *err);

#ifndef SERIALPORT_LIB_NO_NAMES
#define sp_close (*serialport_lib.sp_close)
#define sp_free_error_message (*serialport_lib.sp_free_error_message)
#define sp_free_port (*serialport_lib.sp_free_port)
#define sp_free_port_list (*serialport_lib.sp_free_port_list)
#define sp_get_port_by_name (*serialport_lib.sp_get_port_by_name)
#define sp_get_port_description (*serialport_lib.sp_get_port_description)
#define sp_get_port_handle (*serialport_lib.sp_get_port_handle)
#define sp_get_port_name (*serialport_lib.sp_get_port_name)
#define sp_last_error_code (*serialport_lib.sp_last_error_code)
#define sp_last_error_message (*serialport_lib.sp_last_error_message)
#define sp_list_ports (*serialport_lib.sp_list_ports)
#define sp_open (*serialport_lib.sp_open)
#define sp_set_baudrate (*serialport_lib.sp_set_baudrate)
#define sp_set_bits (*serialport_lib.sp_set_bits)
#define sp_set_flowcontrol (*serialport_lib.sp_set_flowcontrol)
#define sp_set_parity (*serialport_lib.sp_set_parity)
#define sp_set_stopbits (*serialport_lib.sp_set_stopbits)
#endif

#endif
