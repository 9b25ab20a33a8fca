/*
 * support.h: the support concern, what the Support & reset code screen
 * talks to. It shows the recovery request for an account (the one already
 * pending, or a new one), checks typed reset codes, and finds and checks
 * reset files on USB storage, all behind the recorder's budget of wrong
 * tries. One implementation: this recorder's own keys and state.
 *
 * Invariants:
 * 1. Opening the screen again shows the request already sent; a new one
 *    is made only when there is none or the owner asks.
 * 2. Reset files are read only as regular files, opened with O_NOFOLLOW
 *    and O_NONBLOCK, at most RESET_FILE_MAX bytes; the wizard mounts
 *    nothing itself.
 */
#ifndef NVR_BACKENDS_REQUESTS_SUPPORT_H
#define NVR_BACKENDS_REQUESTS_SUPPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "backends/attempts.h"
#include "common/nvr_error.h"
#include "backends/requests/requests.h"
#include "common/reset_file.h"

#define SUPPORT_FILES_MAX 16
#define SUPPORT_QR_TEXT_MAX 512

struct support_settings {
	const char *state_dir;
	struct requests_settings requests;
	const char *url;		/* with {request}, or NULL */
	char *const *folders;		/* glob patterns */
	size_t folder_count;
};

/* A reset file found on USB storage, as the screen lists it. */
struct support_file {
	char path[PATH_MAX];
	char name[64];		/* its file name, printable */
	bool usable;		/* signed for this recorder */
	enum protocol_action action;	/* when usable */
	struct account_key who;	/* its request's account, when usable or
				 * used (a factory reset's too: whoever
				 * asked) */
	char problem[300];	/* why not, when !usable */
};

struct support;

/* DEV and VENDOR_PUBLIC are copied; BUDGET is borrowed. */
int support_open(struct support **out, const struct support_settings *s,
    const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct attempts *budget, struct nvr_error *err);

/*
 * Writes WHO's request as grouped text into TEXT
 * (PROTOCOL_REQUEST_TEXT_MAX) and what the QR code holds into QR
 * (SUPPORT_QR_TEXT_MAX: the URL with the compact request, or the compact
 * request alone). With FRESH, or if none is pending and MAKE_IF_NONE, a
 * new request is made; *MADE says so, *DROPPED if the oldest pending one
 * had to go. *SECONDS_LEFT: how long it stays good at most (see
 * requests_current). Without MAKE_IF_NONE, no request pending is
 * -ENOENT.
 */
int support_request(struct support *s, const struct account_key *who,
    bool fresh,
    bool make_if_none, char *text, char *qr, bool *made, bool *dropped,
    long *seconds_left, struct nvr_error *err);

/* Checks a typed reset code for WHO (NULL: any account's request,
 * for a factory reset) and ACTION without using it:
 * see requests_try_code (USE false) for the results and *WAIT_S. On
 * success NONCE names the request it answers, for support_spend. */
int support_try_code(struct support *s, const struct account_key *who,
    enum protocol_action action, const char *typed,
    uint8_t nonce[PROTOCOL_NONCE_BYTES], long *wait_s,
    struct nvr_error *err);

/* Spends the held code or file of the request NONCE just before what it
 * allows is done, and forgets the recorder's earlier wrong codes (see
 * requests_spend); support_unspend gives it back when that could not be
 * done after all. */
int support_spend(struct support *s,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES], struct nvr_error *err);
int support_unspend(struct support *s,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES], struct nvr_error *err);

/* Lists the *.nvrreset files in the configured folders, saying of each
 * whether it is signed for this recorder. */
int support_find_files(struct support *s, struct support_file *files,
    size_t max, size_t *count, struct nvr_error *err);

/* Uses the reset file at PATH if it allows WANT (a file for the other
 * action is refused, -EPERM, and not used up): see requests_try_file.
 * With USE false it is checked (and a wrong one counted) but stays
 * good. On success OUT says what it allows, and WHO (when not NULL) for
 * which account, by store. */
int support_try_file(struct support *s, const char *path,
    enum protocol_action want, bool use, struct reset_file *out,
    struct account_key *who, long *wait_s, struct nvr_error *err);

void support_close(struct support *s);

#endif
