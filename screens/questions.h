/* questions.h: set up the security questions and the recovery key that
 * Forgot password accepts. */
#ifndef NVR_SCREENS_QUESTIONS_H
#define NVR_SCREENS_QUESTIONS_H

#include "screens/screen.h"

extern const struct screen_class questions_screen;

#endif
