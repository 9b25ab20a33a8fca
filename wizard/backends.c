/*
 * backends.c: opening every backend the config names (all of them, so
 * that one run reports every problem), and the screen context made of
 * them.
 */
#include "wizard/backends.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/requests/provisioned.h"
#include "backends/registry.h"
#include "backends/reset/journal.h"
#include "wizard/wizard.h"

void
wizard_backends_close(struct config *cfg, struct wizard_backends *b)
{
	factory_reset_close(b->reset);
	b->reset = NULL;
	config_reset_plan_free(&b->reset_plan);
	attempts_close(b->attempts);
	b->attempts = NULL;
	if (b->recovery.ops != NULL)
		b->recovery.ops->close(b->recovery.state);
	b->recovery.ops = NULL;
	support_close(b->support);
	b->support = NULL;
	sodium_memzero(&b->device_keys, sizeof(b->device_keys));
	b->provisioned = false;
	stores_close(&b->stores);
	device_close(&b->device);
	config_free(cfg);
}

/* How long requests stay good, as support: says. */
static struct requests_settings
requests_settings_of(const struct config *cfg)
{
	return (struct requests_settings){
		.lifetime_s = (long)cfg->support.lifetime_days * 86400,
		.max_boots = cfg->support.max_boots,
	};
}

/* One account store and its policy: mapping. */
static int
open_store(const struct config_store *from, struct account_store *st)
{
	struct config_section policy_settings;
	struct nvr_error err;
	int rc = registry_open_accounts(&from->section, &st->accounts);

	snprintf(st->id, sizeof(st->id), "%s", from->id);
	st->label = from->label;
	st->after_change = from->after_change;
	if (policy_open(&st->policy, config_section_child(&from->section,
	    "policy", &policy_settings) ? &policy_settings : NULL, &err) != 0) {
		config_section_error(&from->section, "policy", "%s",
		    err.message);
		rc = -1;
	}
	return rc;
}

/* Every account store accounts: names, and the count of wrong tries. */
static int
open_accounts(struct config *cfg, struct wizard_backends *b)
{
	struct nvr_error err;
	int rc = 0;
	struct attempts_settings budget = {
		.free_tries = cfg->attempts.free_tries,
		.first_wait_s = cfg->attempts.first_wait_s,
		.max_wait_s = cfg->attempts.max_wait_s,
	};

	for (size_t i = 0; i < cfg->store_count; i++) {
		b->stores.count = i + 1;
		if (open_store(&cfg->stores[i], &b->stores.store[i]) != 0)
			rc = -1;
	}
	if (attempts_open(&b->attempts, cfg->state_dir, &budget, &err) != 0) {
		config_section_error(&cfg->stores[0].section, NULL, "%s",
		    err.message);
		rc = -1;
	}
	return rc;
}

/*
 * What a single-store version kept (questions and keys, attempt counts,
 * pending requests) becomes the first store's, once, each file under
 * its lock and written atomically. A file that does not parse is left
 * as it is; whatever fails is said on stderr, and the screen that reads
 * the file says it again.
 */
/* Accounts of the first store looked up for their ids (a shadow store's
 * own limit is its uid range). */
#define MIGRATE_ACCOUNTS_MAX 4096

/* The first store's accounts, listed for a migration that wants them;
 * NULL (said on stderr) if they cannot be. */
static struct account *
accounts_for_migration(const struct account_store *first, size_t *count)
{
	struct account *accounts = calloc(MIGRATE_ACCOUNTS_MAX,
	    sizeof(*accounts));
	struct nvr_error err = { "" };

	if (accounts == NULL || first->accounts.ops->list(
	    first->accounts.state, accounts, MIGRATE_ACCOUNTS_MAX, count,
	    &err) != 0) {
		fprintf(stderr, "nvr-recovery: what the earlier version kept is "
		    "brought up to date once %s can be read: %s\n",
		    first->label, accounts == NULL ? "out of memory" :
		    err.message);
		free(accounts);
		return NULL;
	}
	return accounts;
}

void
wizard_backends_migrate(const struct config *cfg, struct wizard_backends *b)
{
	const struct account_store *first = &b->stores.store[0];
	struct requests_settings settings = requests_settings_of(cfg);
	struct requests_clock now;
	struct account *accounts = NULL;
	struct requests *r = NULL;
	struct nvr_error err;
	size_t count = 0;
	bool done, want_recovery = false, want_requests = false;
	int rc;

	/* Not while a reset is unfinished: it erases them anyway. */
	if (b->stores.count == 0 || first->accounts.ops == NULL ||
	    reset_journal_pending(cfg->state_dir))
		return;
	if (attempts_migrate(b->attempts, first->id, &done, &err) != 0)
		fprintf(stderr, "nvr-recovery: the attempt counts of the "
		    "earlier version cannot be brought up to date: %s\n",
		    err.message);
	if (requests_clock_read(&now, &err) != 0 ||
	    requests_open(&r, cfg->state_dir, &settings, &err) != 0)
		r = NULL;
	/* The accounts are listed only for a file of the earlier format
	 * (a probe, with none, says so): listing reads the whole store, on
	 * the way to the first paint. */
	if (b->recovery.ops != NULL) {
		rc = b->recovery.ops->migrate(b->recovery.state, first->id,
		    NULL, 0, &done, &err);
		want_recovery = rc == -EAGAIN;
		if (rc != 0 && !want_recovery)
			fprintf(stderr, "nvr-recovery: the recovery store of "
			    "the earlier version cannot be brought up to "
			    "date: %s\n", err.message);
	}
	if (r != NULL) {
		rc = requests_migrate(r, first->id, NULL, 0, &now, &done,
		    &err);
		want_requests = rc == -EAGAIN;
		if (rc != 0 && !want_requests)
			fprintf(stderr, "nvr-recovery: the pending requests of "
			    "the earlier version cannot be brought up to date: "
			    "%s\n", err.message);
	}
	/* The ids their records get are the accounts' now: without them no
	 * record could tell its owner from a later account of the name, so
	 * neither is brought up to date until the store can be read (the
	 * attempt counts, kept by name, need no ids). */
	if ((want_recovery || want_requests) &&
	    (accounts = accounts_for_migration(first, &count)) != NULL) {
		if (want_recovery && b->recovery.ops->migrate(
		    b->recovery.state, first->id, accounts, count, &done,
		    &err) != 0)
			fprintf(stderr, "nvr-recovery: the recovery store of "
			    "the earlier version cannot be brought up to "
			    "date: %s\n", err.message);
		if (want_requests && requests_migrate(r, first->id, accounts,
		    count, &now, &done, &err) != 0)
			fprintf(stderr, "nvr-recovery: the pending requests of "
			    "the earlier version cannot be brought up to date: "
			    "%s\n", err.message);
	}
	requests_close(r);
	free(accounts);
}

/* The recorder's keys for reset codes, if support: is there. */
static int
open_support(struct config *cfg, struct wizard_backends *b)
{
	struct nvr_error err;

	if (provisioned_load(cfg->support.provisioning, cfg->support.demo,
	    &b->device_keys, b->vendor_public, &err) != 0) {
		config_section_error(&cfg->support.section, "provisioning",
		    "%s", err.message);
		return -1;
	}
	b->provisioned = true;
	return 0;
}

/* The Support screen's service: this recorder's keys, its pending
 * requests and the accounts' budget of wrong tries. */
static int
open_support_service(const struct config *cfg, struct wizard_backends *b)
{
	struct support_settings s = {
		.state_dir = cfg->state_dir,
		.requests = requests_settings_of(cfg),
		.url = cfg->support.url,
		.folders = cfg->support.folders,
		.folder_count = cfg->support.folder_count,
	};
	struct nvr_error err;

	if (support_open(&b->support, &s, &b->device_keys, b->vendor_public,
	    b->attempts, &err) != 0) {
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* Counts this boot for pending recovery requests (their boot limit).
 * A failure here is the Support screen's to report. */
static void
note_boot(const struct config *cfg)
{
	struct requests_settings settings = requests_settings_of(cfg);
	struct requests_clock now;
	struct requests *r;
	struct nvr_error err;

	if (requests_clock_read(&now, &err) != 0 ||
	    requests_open(&r, cfg->state_dir, &settings, &err) != 0)
		return;
	(void)requests_note_boot(r, &now, &err);
	requests_close(r);
}

int
wizard_backends_pending_requests(const struct config *cfg, size_t *count,
    struct nvr_error *err)
{
	struct requests_settings settings = requests_settings_of(cfg);
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests_clock now;
	struct requests *r;
	int rc;

	*count = 0;
	if (!cfg->support.present)
		return nvr_error_set(err, -ENOENT, "no support: section");
	rc = requests_clock_read(&now, err);
	if (rc == 0)
		rc = requests_open(&r, cfg->state_dir, &settings, err);
	if (rc != 0)
		return rc;
	rc = requests_list(r, &now, list, count, err);
	requests_close(r);
	return rc;
}

/* The factory reset service: the reset: section's plan, or an empty one
 * that can still finish a journal found in the state folder. */
static int
open_reset(struct config *cfg, struct wizard_backends *b)
{
	struct factory_reset_settings settings = {
		.config = &cfg->reset, .plan = &b->reset_plan,
		.state_dir = cfg->state_dir,
		.stores = b->stores.count > 0 ? &b->stores : NULL,
		.recovery = b->recovery.ops != NULL ? &b->recovery : NULL,
	};
	struct nvr_error err;

	if (config_reset_plan(cfg, &b->reset_plan) != 0)
		return -1;
	if (factory_reset_open(&b->reset, &settings, &err) != 0) {
		config_section_error(&cfg->reset.section, NULL, "%s",
		    err.message);
		return -1;
	}
	return 0;
}

int
wizard_backends_open(const char *config_path, struct config *cfg,
    struct wizard_backends *b)
{
	int rc;

	memset(b, 0, sizeof(*b));
	rc = config_load(cfg, config_path, registry_keys);

	if (rc == 0) {
		/* All are opened even if one fails, so every problem is
		 * reported in one run. */
		rc = registry_open_device(&cfg->device, &b->device);
		if (cfg->store_count > 0 && open_accounts(cfg, b) != 0)
			rc = -1;
		if (cfg->recovery.map != NULL && cfg->store_count == 0) {
			config_section_error(&cfg->recovery, NULL, "recovery: "
			    "needs an accounts: section (whose passwords it "
			    "recovers)");
			rc = -1;
		} else if (cfg->recovery.map != NULL &&
		    registry_open_recovery(&cfg->recovery, cfg->state_dir,
		    &b->recovery) != 0) {
			rc = -1;
		}
		if (cfg->support.present && open_support(cfg, b) != 0)
			rc = -1;
		if (rc == 0 && open_reset(cfg, b) != 0)
			rc = -1;
	}
	if (rc != 0) {
		diag_print(&cfg->diags, stderr);
		wizard_backends_close(cfg, b);
	}
	return rc;
}

void
wizard_backends_context(struct config *cfg, struct wizard_backends *b,
    struct screen_context *context, bool utf8)
{
	context->device = &b->device;
	/* Nothing else may run on a half-reset recorder: the wizard opens
	 * on Factory reset, which offers only to finish it. */
	context->reset_unfinished = reset_journal_pending(cfg->state_dir);
	context->reset = b->reset;
	context->reset_config = &cfg->reset;
	context->available[SCREEN_FACTORY_RESET] = cfg->reset.present;
	if (b->provisioned && !context->reset_unfinished)
		note_boot(cfg);
	if (b->provisioned && b->stores.count > 0 &&
	    open_support_service(cfg, b) == 0) {
		context->support = b->support;
		context->contact = &cfg->support.contact;
		context->available[SCREEN_SUPPORT] = true;
	}
	context->utf8 = utf8;
	context->available[SCREEN_MAIN_MENU] = true;
	context->available[SCREEN_EVENTS] = true;
	wizard_built(context->built);
	if (b->stores.count > 0) {
		struct device_info info;
		struct nvr_error err;

		/* The serial number and model are printed on every screen:
		 * no password may hold them, in any store. */
		if (device_read_info(&b->device, &info, &err) == 0) {
			const char *words[] = { info.serial, info.model };

			for (size_t i = 0; i < b->stores.count; i++)
				if (policy_forbid(b->stores.store[i].policy,
				    words, 2, &err) != 0)
					fprintf(stderr, "nvr-recovery: %s\n",
					    err.message);
		} else {
			fprintf(stderr, "nvr-recovery: passwords may hold the "
			    "serial number: %s\n", err.message);
		}
		struct account admin;

		context->stores = &b->stores;
		context->attempts = b->attempts;
		context->available[SCREEN_CHANGE_PASSWORD] = true;
		context->first_boot = stores_admin_needing_password(
		    &b->stores, &admin);
	}
	if (b->recovery.ops != NULL) {
		context->recovery = &b->recovery;
		context->available[SCREEN_FORGOT_PASSWORD] = true;
		context->available[SCREEN_QUESTIONS] = true;
	}
}
