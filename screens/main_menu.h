/* main_menu.h: the wizard's first screen. */
#ifndef NVR_SCREENS_MAIN_MENU_H
#define NVR_SCREENS_MAIN_MENU_H

#include "screens/screen.h"

extern const struct screen_class main_menu_screen;

#endif
