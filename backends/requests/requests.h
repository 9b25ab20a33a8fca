/*
 * requests.h: the device side of the recovery protocol (common/
 * protocol.h). It makes recovery requests for support, keeps the pending
 * ones in STATE_DIR/requests, and redeems what support sends back, a
 * reset code or a signed reset file (common/reset_file.h): either works
 * for this device, one pending request, its account and action, once.
 *
 * How long a request stays good (lifetime L, default 7 days, and a boot
 * limit B, default 20):
 * 1. If the device clock was plausible (not before this build was made)
 *    when the request was made and still is, and has not gone backwards,
 *    the request is good until its wall-clock age passes L.
 * 2. Otherwise (a dead RTC battery showing 2000-01-01 that NTP corrects
 *    later, or a clock set back), the wall clock is not trusted: within
 *    the boot the request was made in, it is good until the time since
 *    boot (CLOCK_BOOTTIME) has grown by L; after a reboot, until B boots
 *    have passed since it was made.
 * A clock that jumps forward past L ends the request (fail closed). In
 * every case the time since boot bounds the age from below: a request is
 * over once the time since it was made in this boot, or since this boot
 * began after a reboot, passes L, whatever the wall clock says (a clock
 * set back keeps nothing alive).
 *
 * Invariants:
 * 1. At most REQUESTS_PENDING_MAX requests are pending; making one more
 *    drops the oldest (and says which), never the others.
 * 2. A code or reset file is marked used in the file (atomic write,
 *    under the lock) before what it allows is done (redeeming with use,
 *    or requests_spend for one checked and held), so a power cut between
 *    that and writing the new password costs a new request, never leaves
 *    a code or file that works twice. A request answered by one way is
 *    used for the other too: whichever comes first wins.
 * 3. A file that does not parse is refused, never rewritten.
 */
#ifndef NVR_BACKENDS_REQUESTS_REQUESTS_H
#define NVR_BACKENDS_REQUESTS_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sodium.h>

#include "backends/accounts/accounts.h"
#include "common/nvr_error.h"
#include "common/protocol.h"
#include "common/reset_file.h"

#define REQUESTS_PENDING_MAX 3
#define REQUESTS_DEFAULT_LIFETIME_S (7L * 24 * 3600)
#define REQUESTS_DEFAULT_MAX_BOOTS 20
#define REQUESTS_BOOT_ID_MAX 40

/* What "now" is; requests_clock_read fills it from the system, tests
 * make their own. */
struct requests_clock {
	time_t wall;		/* CLOCK_REALTIME, seconds */
	time_t plausible_after;	/* a wall clock before this is wrong (the
				 * build's date) */
	long long boottime;	/* CLOCK_BOOTTIME, seconds */
	char boot_id[REQUESTS_BOOT_ID_MAX];	/* this boot's kernel id */
};

struct requests_settings {
	long lifetime_s;	/* how long a request stays good */
	int max_boots;		/* ... across reboots, without a trusted
				 * clock */
};

/* The device's identity and keys, from its provisioning file. */
struct requests_device {
	unsigned key_id;
	bool demo;
	char serial[PROTOCOL_NAME_MAX + 1];
	uint8_t request_key[PROTOCOL_KEY_BYTES];
	uint8_t code_key[PROTOCOL_KEY_BYTES];
};

/* A pending request, as the screen lists it. */
struct requests_pending {
	struct account_key who;	/* whose it is */
	time_t made;		/* wall clock when made (may be wrong) */
	bool clock_trusted;	/* rule 1 applies */
};

struct requests;

/* Reads the system clock, the boot id (/proc/sys/kernel/random/boot_id)
 * and CLOCK_BOOTTIME into C. */
int requests_clock_read(struct requests_clock *c, struct nvr_error *err);

/* Keeps requests in STATE_DIR/requests (made 0700 when first needed).
 * Touches no file. */
int requests_open(struct requests **out, const char *state_dir,
    const struct requests_settings *settings, struct nvr_error *err);

/*
 * Requests are kept per account store: WHO (accounts.h) is the account
 * by store, name and id, and a request, code or file of one store's
 * account never answers for another store's, nor for an account made
 * again under the same name.
 *
 * Makes a request for WHO with a fresh random nonce, keeps it as
 * pending and writes its text (PROTOCOL_REQUEST_TEXT_MAX) into TEXT.
 * *DROPPED is set if the oldest pending request had to go. Returns 0,
 * -EINVAL (an account or serial that cannot travel in a request) or
 * another negative errno.
 */
int requests_make(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, const struct requests_clock *now,
    char *text,
    size_t size, bool *dropped, struct nvr_error *err);

/*
 * Checks TYPED against every good pending request of WHO (NULL: of
 * any account, as for a factory reset) for ACTION.
 * Returns 0 when it is the code of one of them, which is marked used
 * first; -EINVAL for a typo the check symbols catch (ERR names the
 * group; not a try); -EACCES for a code that answers none (count it as a
 * wrong try); -ENOENT if WHO has no good pending request.
 */
int requests_redeem(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, enum protocol_action action,
    const char *typed, const struct requests_clock *now,
    struct nvr_error *err);

/*
 * Checks the reset file DATA (LEN bytes, as read from the USB stick)
 * against the pending requests: its signature under VENDOR_PUBLIC (the
 * provisioning file's vendor_public_key), then this device's key id and
 * serial, then a good pending request with the file's nonce (and, for
 * set-password, the same account). On a match that request is marked
 * used first and OUT says what to do, for which account; the caller
 * then does it, for WHO (when not NULL: the request's account, by
 * store). Returns 0; -EBADMSG or -EFBIG for a file that is no
 * reset file ("reset file line N: ...", not a try); -EACCES for a bad
 * signature or a file that answers no pending request (another device,
 * key set, request or account, or a request used already: count it as a
 * wrong try); -ENOENT if no request is pending at all. OUT is zeroed
 * unless 0 is returned.
 */
int requests_redeem_file(struct requests *r,
    const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    const char *data, size_t len, const struct requests_clock *now,
    struct reset_file *out, struct account_key *who, struct nvr_error *err);

/* The name under which wrong codes count in the attempt budget: one for
 * the whole device, so new requests do not reset it. */
#define REQUESTS_BUDGET_NAME "@reset-code"

struct attempts;

/*
 * requests_redeem and requests_redeem_file behind the device's budget of
 * wrong tries (backends/attempts.h, under REQUESTS_BUDGET_NAME), which
 * survives restarts and new requests, so the MAC bits cannot be guessed
 * online. Each try is counted as wrong before it is checked: while a
 * wait runs, or when the try cannot be counted (the state folder full or
 * read-only), nothing is checked: -EAGAIN (*WAIT_S set, or 0). A wrong
 * code or file (-EACCES) stays counted and *WAIT_S says the wait it
 * started (0: none); a success takes it back and clears the count; a
 * typo (before anything is counted) or an unreadable file costs
 * nothing. With USE false, both check everything but leave the code
 * or file unused and take back only their own count: the proof is held
 * until the owner's last word (a new password saved, "Erase now") and
 * then spent with requests_spend. requests_try_code writes the nonce of
 * the request the code answers into NONCE (when not NULL); a file's is
 * in OUT.
 */
int requests_try_code(struct requests *r, struct attempts *budget,
    const struct requests_device *dev, const struct account_key *who,
    enum protocol_action action, const char *typed,
    const struct requests_clock *now, bool use,
    uint8_t nonce[PROTOCOL_NONCE_BYTES], long *wait_s, struct nvr_error *err);
int requests_try_file(struct requests *r, struct attempts *budget,
    const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    const char *data, size_t len, const struct requests_clock *now,
    bool use, struct reset_file *out, struct account_key *who, long *wait_s,
    struct nvr_error *err);

/*
 * Marks the request NONCE used, under the lock, before what a held code
 * or file allows is done (invariant 2): 0; -EALREADY if it was used
 * meanwhile (another console saved first: that one wins); -ENOENT if it
 * has expired. requests_unspend makes it pending again, for when what
 * it allowed could not be done after all (the new password could not be
 * written): 0 also when it is pending already.
 */
int requests_spend(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    const struct requests_clock *now, struct nvr_error *err);
int requests_unspend(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    const struct requests_clock *now, struct nvr_error *err);

/* Writes the newest good pending request of WHO again, as TEXT
 * (grouped) and COMPACT (for the QR code), so that opening the Support
 * screen twice shows the request already sent instead of making another,
 * and in *SECONDS_LEFT (if not NULL) how long it stays good at most by
 * the clocks (a reboot limit may end it sooner). Returns 0, or -ENOENT
 * if WHO has none. Writes no file. */
int requests_current(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, const struct requests_clock *now,
    char *text,
    size_t size, char *compact, size_t compact_size, long *seconds_left,
    struct nvr_error *err);

/* What the request named by NONCE is now, to say why a reset file cannot
 * be used before anyone tries it: 0 pending, -EALREADY used, -ENOENT
 * unknown or expired; WHO (when not NULL) gets its account unless
 * -ENOENT. Writes no file. */
int requests_status(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    const struct requests_clock *now, struct account_key *who,
    struct nvr_error *err);

/* Counts this boot if the file has pending requests and has not seen it
 * yet. Run at every boot (the wizard does at start; the Debian package's
 * boot unit should), or boots that nobody looked at go uncounted and the
 * boot limit is looser than it says. */
int requests_note_boot(struct requests *r, const struct requests_clock *now,
    struct nvr_error *err);

/* Fills LIST (up to REQUESTS_PENDING_MAX) with the good pending requests,
 * oldest first, and sets *COUNT. */
int requests_list(struct requests *r, const struct requests_clock *now,
    struct requests_pending *list, size_t *count, struct nvr_error *err);

/*
 * Brings a file of the single-store version (format 1) up to date, once,
 * under the lock: its requests become STORE's (the first store's), each
 * with the id its account has among ACCOUNTS (COUNT: that store's now),
 * and stay version-1 requests, redeemable by the codes and files support
 * makes for them. A file up to date, or none, is left alone; one that
 * does not parse is refused, never rewritten. *DONE: it was written.
 * ACCOUNTS NULL is a probe: -EAGAIN if the file is of format 1 (the
 * accounts are wanted to bring it up to date), 0 if not, nothing
 * written either way.
 */
int requests_migrate(struct requests *r, const char *store,
    const struct account *accounts, size_t count,
    const struct requests_clock *now, bool *done, struct nvr_error *err);

void requests_close(struct requests *r);

#endif
