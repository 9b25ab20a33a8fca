/*
 * qrencode_lib.h: libqrencode, loaded when a QR code is first drawn (the
 * support request's) rather than at every start (common/lazy_lib.h).
 * Code that includes this file calls the library as its manual writes it.
 */
#ifndef NVR_TUI_QRENCODE_LIB_H
#define NVR_TUI_QRENCODE_LIB_H

#include <qrencode.h>

#include "common/lazy_lib.h"
#include "common/nvr_error.h"

#define QRENCODE_LIB_FUNCTIONS(F) F(QRcode_encodeString) F(QRcode_free)

struct qrencode_lib {
	QRENCODE_LIB_FUNCTIONS(LAZY_LIB_POINTER)
};

extern struct qrencode_lib qrencode_lib;

/* Loads the library (lazy_lib_load): 0, or -ENOENT with ERR saying why. */
int qrencode_lib_load(struct nvr_error *err);

#ifndef QRENCODE_LIB_NO_NAMES
#define QRcode_encodeString (*qrencode_lib.QRcode_encodeString)
#define QRcode_free (*qrencode_lib.QRcode_free)
#endif

#endif
