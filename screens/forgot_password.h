/* forgot_password.h: prove who you are with the security answers or the
 * recovery key, then set a new password. */
#ifndef NVR_SCREENS_FORGOT_PASSWORD_H
#define NVR_SCREENS_FORGOT_PASSWORD_H

#include "screens/screen.h"

extern const struct screen_class forgot_password_screen;

#endif
