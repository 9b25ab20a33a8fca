/* key.c: who an account is, to the wizard's own files (accounts.h). */
#include "backends/accounts/accounts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

bool
store_id_ok(const char *id)
{
	return config_store_id_ok(id);
}

/* A's id as the wizard's files keep it. */
static long long
uid_kept(const struct account *a)
{
	return a->uid == (uid_t)-1 ? ACCOUNT_UID_NONE : (long long)a->uid;
}

void
account_key_of(const struct account *a, struct account_key *key)
{
	memset(key, 0, sizeof(*key));
	snprintf(key->store, sizeof(key->store), "%s",
	    a->store_id != NULL ? a->store_id : "");
	snprintf(key->name, sizeof(key->name), "%s", a->name);
	key->uid = uid_kept(a);
	key->index = a->store;
}

void
account_key_text(const struct account_key *key, char *out)
{
	snprintf(out, ACCOUNT_KEY_TEXT_MAX + 1, "%s/%s", key->store,
	    key->name);
}

bool
account_uid_parse(const char *text, long long *uid)
{
	char *end;

	if (strcmp(text, "-") == 0) {
		*uid = ACCOUNT_UID_NONE;
		return true;
	}
	/* Decimal without a leading zero, so one id has one spelling. */
	if (text[0] < '0' || text[0] > '9' || (text[0] == '0' && text[1]))
		return false;
	errno = 0;
	*uid = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' && *uid <= 0xffffffffLL;
}

void
account_uid_text(long long uid, char *out)
{
	if (uid == ACCOUNT_UID_NONE)
		snprintf(out, 24, "-");
	else
		snprintf(out, 24, "%lld", uid);
}

bool
account_uid_of(const struct account *accounts, size_t count,
    const char *name, long long *uid)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(accounts[i].name, name) == 0) {
			*uid = uid_kept(&accounts[i]);
			return true;
		}
	}
	return false;
}

bool
account_key_same(const struct account_key *a, const struct account_key *b)
{
	return strcmp(a->store, b->store) == 0 &&
	    strcmp(a->name, b->name) == 0 && a->uid == b->uid;
}
