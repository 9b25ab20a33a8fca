/*
 * reset_plan.c: checking a factory reset's steps before anything runs.
 *
 * A path is checked twice: by its text (absolute, no "." or "..", no
 * empty components, inside an allowed prefix component by component), and
 * on disk (the nearest existing folder above it, resolved with realpath,
 * must still be inside the resolved prefix, so a symlink in the chain
 * cannot lead a removal elsewhere). The last component itself is never
 * followed by the steps, so it may be a symlink.
 */
#include "config/reset_plan.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *
reset_kind_name(enum reset_kind kind)
{
	switch (kind) {
	case RESET_REMOVE:
		return "remove";
	case RESET_RESTORE:
		return "restore";
	case RESET_MKDIR:
		return "mkdir";
	case RESET_TRUNCATE:
		return "truncate";
	case RESET_COMMAND:
		return "command";
	case RESET_ACCOUNTS:
		return "accounts";
	case RESET_ADMIN_PASSWORD:
		return "admin-password";
	case RESET_WIZARD_STATE:
		return "wizard-state";
	}
	return NULL;
}

/* The form of PATH alone: absolute, not "/", no empty, "." or ".."
 * components, no control characters, shorter than PATH_MAX. */
static int
check_form(const char *path, const char *what, struct nvr_error *err)
{
	const char *p;

	if (path == NULL || path[0] != '/')
		return nvr_error_set(err, -EINVAL, "%s %s is not absolute",
		    what, path == NULL ? "(none)" : path);
	if (strcmp(path, "/") == 0)
		return nvr_error_set(err, -EINVAL, "%s is /", what);
	if (strlen(path) >= PATH_MAX)
		return nvr_error_set(err, -ENAMETOOLONG, "%s is too long",
		    what);
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return nvr_error_set(err, -EINVAL, "%s %s has a control "
			    "character", what, path);
	for (p = path; *p != '\0';) {
		const char *end;
		size_t len;

		p++;		/* past the '/' */
		end = strchr(p, '/');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		if (len == 0)
			return nvr_error_set(err, -EINVAL, "%s %s has an empty "
			    "component", what, path);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return nvr_error_set(err, -EINVAL, "%s %s has a . or .. "
			    "component", what, path);
		p += len;
	}
	return 0;
}

/* Whether PATH is PREFIX or below it, component by component. */
static bool
within(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(path, prefix, len) == 0 &&
	    (path[len] == '\0' || path[len] == '/');
}

/* The nearest existing ancestor of PATH (not PATH itself), resolved, must
 * be PREFIX (resolved, if it exists) or below it. */
static int
check_chain(const char *path, const char *prefix, struct nvr_error *err)
{
	char parent[PATH_MAX], resolved[PATH_MAX], real_prefix[PATH_MAX];
	const char *base = prefix;
	struct stat st;

	if (realpath(prefix, real_prefix) != NULL)
		base = real_prefix;
	else if (errno != ENOENT)
		return nvr_error_set(err, -errno, "cannot resolve %s: %s",
		    prefix, strerror(errno));
	strcpy(parent, path);	/* shorter than PATH_MAX: check_form */
	for (;;) {
		char *slash = strrchr(parent, '/');

		if (slash == parent) {
			strcpy(parent, "/");
		} else {
			*slash = '\0';
		}
		if (lstat(parent, &st) == 0)
			break;
		if (errno != ENOENT && errno != ENOTDIR)
			return nvr_error_set(err, -errno, "cannot check %s: %s",
			    parent, strerror(errno));
		if (strcmp(parent, "/") == 0)
			return 0;
	}
	if (realpath(parent, resolved) == NULL)
		return nvr_error_set(err, -errno, "cannot resolve %s: %s",
		    parent, strerror(errno));
	/* An existing parent above the prefix (the prefix does not exist
	 * yet) is fine as long as the path's text is inside it. */
	if (!within(parent, prefix))
		return 0;
	if (!within(resolved, base))
		return nvr_error_set(err, -EPERM, "%s leads outside %s (its "
		    "folder %s is %s)", path, prefix, parent, resolved);
	return 0;
}

/* Sets *PREFIX to the first of the N ALLOWED that holds PATH by its
 * text; 0, -EINVAL (a form) or -EPERM (outside every one). */
static int
inside(const char *path, const char *const *allowed, size_t n,
    const char **prefix, struct nvr_error *err)
{
	int rc = check_form(path, "path", err);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (allowed[i] == NULL || check_form(allowed[i], "allowed "
		    "folder", NULL) != 0)
			return nvr_error_set(err, -EINVAL, "allowed folder %s "
			    "is not a plain absolute path below /",
			    allowed[i] == NULL ? "(none)" : allowed[i]);
		if (within(path, allowed[i])) {
			*prefix = allowed[i];
			return 0;
		}
	}
	return nvr_error_set(err, -EPERM, "%s is outside the folders a reset "
	    "may touch", path);
}

int
reset_plan_path_inside(const char *path, const char *const *allowed,
    size_t n, struct nvr_error *err)
{
	const char *prefix;

	return inside(path, allowed, n, &prefix, err);
}

int
reset_plan_check_path(const char *path, const char *const *allowed,
    size_t n, struct nvr_error *err)
{
	const char *prefix = NULL;
	int rc = inside(path, allowed, n, &prefix, err);

	return rc != 0 ? rc : check_chain(path, prefix, err);
}

const char *
reset_plan_root(const char *path, const char *const *allowed, size_t n)
{
	const char *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (allowed[i] != NULL && within(path, allowed[i]) &&
		    (best == NULL || strlen(allowed[i]) > strlen(best)))
			best = allowed[i];
	return best;
}

int
reset_step_check_form(const struct reset_step *s, size_t i,
    struct nvr_error *err)
{
	size_t argc = 0;
	int rc;

	if (s->label == NULL)
		return nvr_error_set(err, -EINVAL, "step %zu has no label", i);
	if (reset_kind_name(s->kind) == NULL)
		return nvr_error_set(err, -EINVAL, "step %zu (%s): unknown "
		    "kind %d", i, s->label, (int)s->kind);
	if (s->kind == RESET_COMMAND) {
		if (s->argv == NULL || s->argv[0] == NULL)
			return nvr_error_set(err, -EINVAL, "step %zu (%s): no "
			    "command", i, s->label);
		if (!s->idempotent)
			return nvr_error_set(err, -EINVAL, "step %zu (%s): a "
			    "command must be declared idempotent: it runs "
			    "again on resume", i, s->label);
		rc = check_form(s->argv[0], "command", err);
		if (rc != 0)
			return rc;
		while (s->argv[argc] != NULL)
			argc++;
		if (argc > RESET_ARGV_MAX)
			return nvr_error_set(err, -E2BIG, "step %zu (%s): more "
			    "than %d arguments", i, s->label, RESET_ARGV_MAX);
		return 0;
	}
	if (!reset_kind_has_path(s->kind))
		return 0;
	rc = check_form(s->path, "path", err);
	if (rc == 0 && s->kind == RESET_RESTORE)
		rc = check_form(s->from, "factory file", err);
	if (rc != 0)
		return rc;
	if (s->kind == RESET_MKDIR && (s->mode & ~(mode_t)07777) != 0)
		return nvr_error_set(err, -EINVAL, "step %zu (%s): mode %o is "
		    "not a permission mode", i, s->label, (unsigned)s->mode);
	return 0;
}

int
reset_step_check_paths(const struct reset_step *s, const char *const *allowed,
    size_t n, struct nvr_error *err)
{
	int rc;

	if (!reset_kind_has_path(s->kind))
		return 0;
	rc = reset_plan_path_inside(s->path, allowed, n, err);
	if (rc == 0 && s->kind == RESET_RESTORE)
		rc = reset_plan_path_inside(s->from, allowed, n, err);
	return rc;
}

int
reset_plan_check(const struct reset_plan *plan, struct nvr_error *err)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->n_allowed == 0 &&
		    reset_kind_has_path(plan->steps[i].kind))
			return nvr_error_set(err, -EINVAL, "the reset plan "
			    "allows no folder");
	for (size_t i = 0; i < plan->n_allowed; i++)
		if (plan->allowed[i] == NULL || check_form(plan->allowed[i],
		    "allowed folder", err) != 0)
			return nvr_error_set(err, -EINVAL, "allowed folder %s "
			    "is not a plain absolute path below /",
			    plan->allowed[i] == NULL ? "(none)" :
			    plan->allowed[i]);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct reset_step *s = &plan->steps[i];
		int rc = reset_step_check_form(s, i, err);

		if (rc == 0)
			rc = reset_step_check_paths(s, plan->allowed,
			    plan->n_allowed, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}
