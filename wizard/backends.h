/*
 * backends.h: the backends a config names, opened and closed together,
 * and the screen context made of them. nvr-recovery's main and the tests
 * that walk the screens open them the same way.
 */
#ifndef NVR_WIZARD_BACKENDS_H
#define NVR_WIZARD_BACKENDS_H

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#include "backends/accounts/stores.h"
#include "backends/attempts.h"
#include "backends/device/device.h"
#include "backends/reset/factory_reset.h"
#include "backends/recovery/recovery.h"
#include "backends/requests/requests.h"
#include "config/reset_plan.h"
#include "backends/requests/support.h"
#include "config/config.h"
#include "screens/screen.h"

/* Everything the config names, open. */
struct wizard_backends {
	struct device device;
	struct account_stores stores;	/* count 0 if not configured */
	struct attempts *attempts;	/* with stores */
	struct recovery recovery;	/* ops NULL if not configured */
	bool provisioned;		/* support: loaded its keys */
	struct support *support;	/* the Support screen's service */
	struct requests_device device_keys;
	uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES];
	struct reset_plan reset_plan;	/* empty without a reset: section */
	struct factory_reset *reset;	/* also finishes a journal found */
};

/* Loads the config at CONFIG_PATH and opens every backend it names; on
 * any problem prints them all as FILE:LINE:COL on stderr and returns -1
 * with nothing left open. */
int wizard_backends_open(const char *config_path, struct config *cfg,
    struct wizard_backends *b);

/* Brings what a single-store version kept (questions and keys, attempt
 * counts, pending requests) up to date as the first store's, once; at
 * the start of the wizard, not for --check-config. Problems go to
 * stderr (the files are left as they are, and refused when read). */
void wizard_backends_migrate(const struct config *cfg,
    struct wizard_backends *b);

/* Fills CONTEXT (whose device, handoff and lock the caller has set) for
 * the wizard: counts this boot for pending requests, opens the Support
 * screen's service, and says which screens the config makes available.
 * UTF8: the terminal shows UTF-8. */
void wizard_backends_context(struct config *cfg, struct wizard_backends *b,
    struct screen_context *context, bool utf8);

/* How many recovery requests made on the Support screen are pending
 * (good, not used up, not expired) into *COUNT. Returns 0 or a negative
 * errno with ERR filled (no support: section: -ENOENT). */
int wizard_backends_pending_requests(const struct config *cfg,
    size_t *count, struct nvr_error *err);

/* Closes what wizard_backends_open opened, and frees CFG. */
void wizard_backends_close(struct config *cfg, struct wizard_backends *b);

#endif
