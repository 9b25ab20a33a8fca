/* stores.c: the account stores a config names, as one list (stores.h). */
#include "backends/accounts/stores.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/command.h"

/* Fills the store fields of N accounts of store I. */
static void
mark_store(const struct account_stores *s, size_t i, struct account *a,
    size_t n)
{
	for (size_t k = 0; k < n; k++) {
		a[k].store = (unsigned)i;
		a[k].store_id = s->store[i].id;
		a[k].store_label = s->store[i].label;
	}
}

/* How many of each store's N[I] accounts fit in MAX: every store's
 * administrator (listed first) first, then the others store by store. */
static void
share_out(const size_t *n, size_t stores, size_t max, size_t *take)
{
	size_t left = max;

	for (size_t i = 0; i < stores; i++) {
		take[i] = n[i] > 0 && left > 0 ? 1 : 0;
		left -= take[i];
	}
	for (size_t i = 0; i < stores; i++) {
		size_t more = n[i] - take[i] < left ? n[i] - take[i] : left;

		take[i] += more;
		left -= more;
	}
}

int
stores_list(const struct account_stores *s, struct account *out,
    size_t max, size_t *count, struct nvr_error *unread,
    struct nvr_error *err)
{
	struct account *each[STORES_MAX] = { NULL };
	size_t n[STORES_MAX] = { 0 }, take[STORES_MAX] = { 0 }, read = 0;
	size_t failed = 0;
	struct nvr_error first = { "" };
	int rc = 0, first_rc = 0;

	*count = 0;
	if (unread != NULL)
		unread->message[0] = '\0';
	for (size_t i = 0; i < s->count && rc == 0; i++) {
		const struct accounts *a = &s->store[i].accounts;
		struct nvr_error why = { "" };
		int store_rc;

		if (a->ops == NULL)
			continue;
		each[i] = calloc(max, sizeof(*each[i]));
		if (each[i] == NULL) {
			rc = nvr_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		store_rc = a->ops->list(a->state, each[i], max, &n[i], &why);
		if (store_rc == 0) {
			read++;
			continue;
		}
		n[i] = 0;
		if (failed++ == 0) {
			first_rc = store_rc;
			if (s->count > 1)
				nvr_error_set(&first, store_rc, "%s: %s",
				    s->store[i].label, why.message);
			else
				first = why;
		}
		if (unread == NULL)
			break;
	}
	if (rc == 0 && failed > 0 && (read == 0 || unread == NULL)) {
		*err = first;
		rc = first_rc;
	} else if (rc == 0 && failed > 0) {
		if (failed == 1)
			*unread = first;
		else
			nvr_error_set(unread, first_rc, "%s (and %zu more "
			    "store%s)", first.message, failed - 1,
			    failed > 2 ? "s" : "");
	}
	if (rc == 0) {
		/* A long list of one store never hides the next store's
		 * administrator. */
		share_out(n, s->count, max, take);
		for (size_t i = 0; i < s->count; i++) {
			/* A store with nothing to take (left out, or not
			 * open: each[i] NULL) takes nothing. */
			if (take[i] == 0 || each[i] == NULL)
				continue;
			mark_store(s, i, each[i], take[i]);
			memcpy(out + *count, each[i], take[i] * sizeof(*out));
			*count += take[i];
		}
	}
	for (size_t i = 0; i < s->count; i++)
		free(each[i]);
	return rc;
}

const struct account_store *
stores_of(const struct account_stores *s, const struct account_key *who)
{
	if (who->index >= s->count ||
	    strcmp(s->store[who->index].id, who->store) != 0 ||
	    s->store[who->index].accounts.ops == NULL)
		return NULL;
	return &s->store[who->index];
}

int
stores_verify(const struct account_stores *s, const struct account_key *who,
    const char *password, struct nvr_error *err)
{
	const struct account_store *st = stores_of(s, who);

	if (st == NULL)
		return nvr_error_set(err, -EACCES, "no such account");
	return st->accounts.ops->verify(st->accounts.state, who->name,
	    password, err);
}

int
stores_set_password(const struct account_stores *s,
    const struct account_key *who, const char *password,
    bool *told_failed, struct nvr_error *told, struct nvr_error *err)
{
	const struct account_store *st = stores_of(s, who);
	int rc;

	*told_failed = false;
	if (st == NULL)
		return nvr_error_set(err, -ENOENT, "no such account");
	rc = st->accounts.ops->set_password(st->accounts.state, who->name,
	    password, err);
	if (rc == 0 && st->after_change != NULL &&
	    st->after_change[0] != NULL)
		*told_failed = command_run(st->after_change, NULL, told) != 0;
	return rc;
}

const char *
stores_weak_note(const struct account_stores *s,
    const struct account_key *who)
{
	const struct account_store *st = stores_of(s, who);

	if (st == NULL || st->accounts.ops == NULL ||
	    st->accounts.ops->weak_note == NULL)
		return NULL;
	return st->accounts.ops->weak_note(st->accounts.state, who->name);
}

const struct policy *
stores_policy(const struct account_stores *s, const struct account_key *who)
{
	const struct account_store *st = stores_of(s, who);

	return st != NULL ? st->policy : NULL;
}

bool
stores_admin_needing_password(const struct account_stores *s,
    struct account *admin)
{
	for (size_t i = 0; i < s->count; i++) {
		const struct accounts *a = &s->store[i].accounts;
		struct nvr_error err;
		size_t n;

		if (a->ops == NULL || a->ops->list(a->state, admin, 1, &n,
		    &err) != 0 || n != 1 || !admin->admin ||
		    admin->password == ACCOUNT_PASSWORD_SET)
			continue;
		mark_store(s, i, admin, 1);
		return true;
	}
	return false;
}

void
stores_close(struct account_stores *s)
{
	for (size_t i = 0; i < s->count; i++) {
		struct account_store *st = &s->store[i];

		if (st->accounts.ops != NULL)
			st->accounts.ops->close(st->accounts.state);
		st->accounts.ops = NULL;
		policy_close(st->policy);
		st->policy = NULL;
	}
	s->count = 0;
}
