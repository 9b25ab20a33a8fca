/*
 * support.c: the fixture and diagnostic assertions the unit tests share
 * (see support.h).
 */
#include "tests/unit/support.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/registry.h"

int
support_fx_setup(void **state, const char *name)
{
	struct support_fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nvr-test-%s-XXXXXX", name);
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/config.yaml", fx->dir);
	*state = fx;
	return 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *walk)
{
	(void)sb;
	(void)flag;
	(void)walk;
	return remove(path);
}

int
support_fx_teardown(void **state)
{
	struct support_fx *fx = *state;

	device_close(&fx->dev);
	if (fx->loaded)
		config_free(&fx->cfg);
	support_remove_tree(fx->dir);
	free(fx);
	return 0;
}

void
support_remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void *
support_fx_wrap(size_t size, const char *name, struct support_fx **fx)
{
	void *outer = calloc(1, size);
	void *inner = NULL;

	if (outer == NULL)
		return NULL;
	if (support_fx_setup(&inner, name) != 0) {
		free(outer);
		return NULL;
	}
	*fx = inner;
	return outer;
}

void
support_write_file(const char *path, const void *data, size_t len,
    mode_t mode)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

char *
support_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t used = 0, size = 256;
	char *buf = malloc(size);

	assert_true(fd >= 0);
	assert_non_null(buf);
	for (;;) {
		ssize_t n;

		if (used + 1 == size) {
			size *= 2;
			buf = realloc(buf, size);
			assert_non_null(buf);
		}
		n = read(fd, buf + used, size - used - 1);
		assert_true(n >= 0);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	assert_int_equal(close(fd), 0);
	buf[used] = '\0';
	*len = used;
	return buf;
}

char *
support_in_dir(const struct support_fx *fx, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", fx->dir, name) > 0);
	return path;
}

void
support_put_file(const struct support_fx *fx, const char *name,
    const void *data, size_t len, mode_t mode)
{
	char path[256];

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", fx->dir,
	    name) < sizeof(path));
	support_write_file(path, data, len, mode);
}

int
support_load_path(struct support_fx *fx, const char *path)
{
	if (fx->loaded)
		config_free(&fx->cfg);	/* a test may load twice */
	fx->loaded = true;
	return config_load(&fx->cfg, path, registry_keys);
}

int
support_load_text(struct support_fx *fx, const char *text)
{
	support_write_file(fx->path, text, strlen(text), 0600);
	return support_load_path(fx, fx->path);
}

int
support_open_text(struct support_fx *fx, const char *text)
{
	if (support_load_text(fx, text) != 0) {
		print_error("config_load failed:\n");
		diag_print(&fx->cfg.diags, stderr);
		fail();
	}
	return registry_open_device(&fx->cfg.device, &fx->dev);
}

char *
support_printed(const struct diag_list *list)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	diag_print(list, out);
	assert_int_equal(fclose(out), 0);
	assert_non_null(buf);
	return buf;
}

char *
support_expand(const char *msg, const char *dir)
{
	const char *at = strstr(msg, "%s");
	char *out;

	if (at == NULL)
		out = strdup(msg);
	else if (asprintf(&out, "%.*s%s%s", (int)(at - msg), msg, dir,
	    at + 2) < 0)
		out = NULL;
	assert_non_null(out);
	return out;
}

void
support_check_count(const struct diag_list *list, size_t want,
    const char *file, int line)
{
	if (list->count == want)
		return;
	print_error("expected %zu diagnostic(s), got %zu:\n", want,
	    list->count);
	diag_print(list, stderr);
	_fail(file, line);
}

void
support_check_diag(const struct diag_list *list, unsigned want_line,
    unsigned want_col, const char *text, bool exact, const char *file,
    int line)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct diag *d = &list->items[i];
		if (d->line != want_line || d->col != want_col ||
		    d->message == NULL)
			continue;
		if (exact ? strcmp(d->message, text) == 0 :
		    strstr(d->message, text) != NULL)
			return;
	}
	print_error("no diagnostic %u:%u: %s%s; got:\n", want_line, want_col,
	    exact ? "" : "...", text);
	diag_print(list, stderr);
	_fail(file, line);
}

double
support_ms_since(const struct timespec *start)
{
	struct timespec now;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &now), 0);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

const struct account_key *
support_key_in(const char *store, unsigned index, const char *name,
    long long uid)
{
	static struct account_key slots[8];
	static unsigned next;
	struct account_key *k = &slots[next++ % 8];

	memset(k, 0, sizeof(*k));
	snprintf(k->store, sizeof(k->store), "%s", store);
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->uid = uid;
	k->index = index;
	return k;
}

const struct account_key *
support_key(const char *name)
{
	return support_key_in("system", 0, name, ACCOUNT_UID_NONE);
}

void
support_close_accounts(struct support_fx *fx, struct accounts *acc)
{
	if (acc->ops != NULL)
		acc->ops->close(acc->state);
	acc->ops = NULL;
	acc->state = NULL;
	if (fx->loaded)
		config_free(&fx->cfg);
	fx->loaded = false;
}

int
support_open_accounts_text(struct support_fx *fx, struct accounts *acc,
    const char *accounts)
{
	char *text;
	int rc;

	support_close_accounts(fx, acc);
	assert_true(asprintf(&text, SUPPORT_STATIC_DEVICE "accounts:\n%s",
	    accounts) > 0);
	rc = support_load_text(fx, text);
	free(text);
	if (rc != 0)
		return -100;
	return registry_open_accounts(&fx->cfg.stores[0].section, acc);
}

void
support_release_holder(int *fd, pid_t *pid)
{
	int status;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (*pid > 0)
		while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
			;
	*pid = 0;
}
