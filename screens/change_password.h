/* change_password.h: pick an account, prove the current password, set a
 * new one that meets the policy. */
#ifndef NVR_SCREENS_CHANGE_PASSWORD_H
#define NVR_SCREENS_CHANGE_PASSWORD_H

#include "screens/screen.h"

extern const struct screen_class change_password_screen;

#endif
