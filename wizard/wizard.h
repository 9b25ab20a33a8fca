/*
 * wizard.h: the wizard's loop. It owns the stack of open screens, reads
 * events from the terminal, turns keys into actions in the context the
 * current screen asked for, and follows the results screens return.
 */
#ifndef NVR_WIZARD_WIZARD_H
#define NVR_WIZARD_WIZARD_H

#include "screens/screen.h"

/* Exit codes besides 0; documented in nvr-recovery(8). */
#define WIZARD_EXIT_SOFTWARE 70		/* EX_SOFTWARE: out of memory */
#define WIZARD_EXIT_SIGNAL_BASE 128	/* + the signal's number */
#define WIZARD_EXIT_HANGUP (128 + 1)	/* as if by SIGHUP */

/* Sets BUILT[id] for every screen this build has. */
void wizard_built(bool built[SCREEN_COUNT]);

/* The screen ID of this build, or NULL if it has none. */
const struct screen_class *wizard_screen(enum screen_id id);

/* Runs until the user quits or a signal or hang-up ends the session.
 * After IDLE_TIMEOUT_S seconds without a key, every screen above the main
 * menu is closed (wiping what was typed). BUTTON_STATE_DIR (NULL: no
 * reset button) is where the button's watcher says it is held: the
 * status line says what letting go would do, within a second. The
 * terminal must be started. Returns the process exit code. */
int wizard_run(const struct screen_context *context, int idle_timeout_s,
    const char *button_state_dir);

#endif
