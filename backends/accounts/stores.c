/* stores.c: the account stores a config names, as one list (stores.h). */
#include "backends/accounts/stores.h"

#include <errno.h>
#include <string.h>

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

int
stores_list(const struct account_stores *s, struct account *out,
    size_t max, size_t *count, struct nvr_error *err)
{
	*count = 0;
	for (size_t i = 0; i < s->count && *count < max; i++) {
		const struct accounts *a = &s->store[i].accounts;
		size_t n = 0;
		int rc;

		if (a->ops == NULL)
			continue;
		rc = a->ops->list(a->state, out + *count, max - *count, &n,
		    err);
		if (rc != 0) {
			struct nvr_error why = *err;

			if (s->count > 1)
				nvr_error_set(err, rc, "%s: %s",
				    s->store[i].label, why.message);
			return rc;
		}
		mark_store(s, i, out + *count, n);
		*count += n;
	}
	return 0;
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
    struct nvr_error *err)
{
	const struct account_store *st = stores_of(s, who);

	if (st == NULL)
		return nvr_error_set(err, -ENOENT, "no such account");
	return st->accounts.ops->set_password(st->accounts.state, who->name,
	    password, err);
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
