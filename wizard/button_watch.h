/*
 * button_watch.h: nvr-recovery --watch-button, the reset button's
 * watcher (run at boot by nvr-recovery-button.service). It opens the
 * button: section's device, measures each hold on the boot clock
 * (backends/button/hold.h), shows the tier a release would ask for on
 * the LED, and, once the button is let go, clears the administrators'
 * passwords or runs the factory reset, each journaled like a reset from
 * the screen (backends/reset/factory_reset.h).
 */
#ifndef NVR_WIZARD_BUTTON_WATCH_H
#define NVR_WIZARD_BUTTON_WATCH_H

#include "config/config.h"
#include "wizard/backends.h"

/* Exit statuses (sysexits.h's values). */
#define BUTTON_WATCH_CONFIG 78	/* no button: section, a key the device
				 * does not have, not an input device */

/*
 * Watches until SIGTERM or SIGINT (0); without a button: section, says
 * so and returns 0 at once. Returns BUTTON_WATCH_CONFIG, with
 * the problem on stderr (FILE:LINE:COL where it is the config's), when
 * it cannot watch what the config names. A device not there yet (at
 * boot) or gone (a USB keyboard pulled) is waited for.
 */
int button_watch_run(struct config *cfg, struct wizard_backends *b);

#endif
