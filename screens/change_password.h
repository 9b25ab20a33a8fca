/* change_password.h: pick an account, prove the current password, set a
 * new one that meets the policy; and first-boot setup, the same form for
 * an administrator who has no password yet. */
#ifndef NVR_SCREENS_CHANGE_PASSWORD_H
#define NVR_SCREENS_CHANGE_PASSWORD_H

#include "screens/screen.h"

extern const struct screen_class change_password_screen;
extern const struct screen_class first_boot_screen;

#endif
