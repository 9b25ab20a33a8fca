/* support.h: Support & reset code: the recovery request as text and QR
 * code, then the reset code or reset file support sends back. */
#ifndef NVR_SCREENS_SUPPORT_H
#define NVR_SCREENS_SUPPORT_H

#include "screens/screen.h"

extern const struct screen_class support_screen;

#endif
