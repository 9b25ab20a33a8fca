/* factory_reset.h: Factory reset: what is erased and kept, a typed
 * confirmation, the reset step by step, and first-time setup after. */
#ifndef NVR_SCREENS_FACTORY_RESET_H
#define NVR_SCREENS_FACTORY_RESET_H

#include "screens/screen.h"

extern const struct screen_class factory_reset_screen;

#endif
