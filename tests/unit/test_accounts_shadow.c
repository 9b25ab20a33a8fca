/*
 * test_accounts_shadow.c: the shadow accounts backend
 * (backends/accounts/shadow.c) through backends/accounts/accounts.h,
 * against real
 * etc/passwd and etc/shadow files in a fresh folder (support_fx_setup),
 * opened from YAML text as the wizard opens it.
 *
 * Hashes the backend must accept are made by other tools at test time
 * (openssl passwd, mkpasswd; a missing tool skips its case), and the files
 * it writes are checked by shadow-utils' pwck and by tests/unit/
 * crypt_check.c, a separate program using libxcrypt's crypt(). Passwords
 * reach those tools on standard input, never in argv.
 *
 * The tests run as root: etc/shadow is made root:42 (shadow) 0640, as on
 * Debian, and must keep that owner and mode across a change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <crypt.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/accounts/accounts.h"
#include "backends/registry.h"
#include "config/config.h"
#include "config/diag.h"
#include "tests/unit/support.h"

#define SHADOW_GID 42		/* Debian's shadow group */
#define LOCK_TIMEOUT_MS 200	/* as configured in every test */

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

/* libxcrypt's crypt_rn, counted, with the last setting kept: the store
 * calls this one (an object of the program before the library), which
 * calls the library's. */
static int crypt_calls;
static char crypt_setting[CRYPT_OUTPUT_SIZE];

char *
crypt_rn(const char *phrase, const char *setting, void *data, int size)
{
	static char *(*real)(const char *, const char *, void *, int);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "crypt_rn");
	crypt_calls++;
	snprintf(crypt_setting, sizeof(crypt_setting), "%s", setting);
	return real(phrase, setting, data, size);
}

struct shadow_fx {
	struct support_fx *fx;	/* the folder, the config */
	struct accounts acc;	/* closed in teardown */
	char *etc;		/* DIR/etc and the files in it */
	char *passwd_path;
	char *shadow_path;
	char *backup_path;	/* etc/shadow- */
	char *link_lock_path;	/* etc/shadow.lock */
	char *pwd_lock_path;	/* etc/.pwd.lock */
	pid_t holder;		/* a child holding a lock, or 0 */
	int holder_fd;		/* closing it lets the child go; or -1 */
};

static int fx_teardown(void **state);

static int
fx_setup(void **state)
{
	struct support_fx *inner = NULL;
	struct shadow_fx *t = support_fx_wrap(sizeof(*t), "shadow", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	t->holder_fd = -1;
	if (asprintf(&t->etc, "%s/etc", t->fx->dir) < 0 ||
	    asprintf(&t->passwd_path, "%s/passwd", t->etc) < 0 ||
	    asprintf(&t->shadow_path, "%s/shadow", t->etc) < 0 ||
	    asprintf(&t->backup_path, "%s/shadow-", t->etc) < 0 ||
	    asprintf(&t->link_lock_path, "%s/shadow.lock", t->etc) < 0 ||
	    asprintf(&t->pwd_lock_path, "%s/.pwd.lock", t->etc) < 0 ||
	    mkdir(t->etc, 0755) != 0) {
		fx_teardown((void **)&t);
		return -1;
	}
	*state = t;
	return 0;
}

/* Lets a lock-holding child go and reaps it. */
static void
release_holder(struct shadow_fx *t)
{
	support_release_holder(&t->holder_fd, &t->holder);
}

/* Closes the backend and frees the config, if open. */
static void
close_store(struct shadow_fx *t)
{
	support_close_accounts(t->fx, &t->acc);
}

static int
fx_teardown(void **state)
{
	struct shadow_fx *t = *state;
	void *inner = t->fx;

	release_holder(t);
	if (t->fx != NULL)
		close_store(t);
	free(t->etc);
	free(t->passwd_path);
	free(t->shadow_path);
	free(t->backup_path);
	free(t->link_lock_path);
	free(t->pwd_lock_path);
	free(t);
	return inner != NULL ? support_fx_teardown(&inner) : 0;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

/* TEXT with every "@DIR@" replaced by the fixture's folder; malloc'd. */
static char *
expand_dir(const struct shadow_fx *t, const char *text)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	for (const char *p = text; *p != '\0';) {
		if (strncmp(p, "@DIR@", 5) == 0) {
			fputs(t->fx->dir, f);
			p += 5;
		} else {
			fputc(*p++, f);
		}
	}
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
put_passwd(const struct shadow_fx *t, const char *text)
{
	char *expanded = expand_dir(t, text);

	support_write_file(t->passwd_path, expanded, strlen(expanded), 0644);
	assert_int_equal(chown(t->passwd_path, 0, 0), 0);
	free(expanded);
}

/* etc/shadow as Debian has it: root:shadow 0640. */
static void
put_shadow_bytes(const struct shadow_fx *t, const void *data, size_t len)
{
	support_write_file(t->shadow_path, data, len, 0640);
	assert_int_equal(chown(t->shadow_path, 0, SHADOW_GID), 0);
	assert_int_equal(chmod(t->shadow_path, 0640), 0);
}

static void
put_shadow(const struct shadow_fx *t, const char *text)
{
	put_shadow_bytes(t, text, strlen(text));
}

/* The whole of PATH, NUL-terminated; malloc'd. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t used = 0, size = 0;

	if (f == NULL)
		print_error("cannot open %s: %s\n", path, strerror(errno));
	assert_non_null(f);
	for (;;) {
		if (size - used < 4096) {
			size = size * 2 + 4096;
			data = realloc(data, size + 1);
			assert_non_null(data);
		}
		size_t n = fread(data + used, 1, size - used, f);
		used += n;
		if (n == 0)
			break;
	}
	assert_false(ferror(f));
	fclose(f);
	data[used] = '\0';
	*len = used;
	return data;
}

static void
assert_file_is(const char *path, const char *want, size_t want_len)
{
	size_t len;
	char *got = slurp(path, &len);

	if (len != want_len || memcmp(got, want, len) != 0)
		print_error("%s changed:\n--- want\n%.*s--- got\n%.*s---\n",
		    path, (int)want_len, want, (int)len, got);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, len);
	free(got);
}

static void
assert_owner_mode(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_uid, uid);
	assert_int_equal(sb.st_gid, gid);
	assert_int_equal(sb.st_mode & 07777, mode);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fails unless etc/ holds exactly the NULL-terminated NAMES: no stale
 * shadow+, no lock left behind, no shadow.PID from the link lock. */
static void
assert_etc_holds(const struct shadow_fx *t, const char *const *names)
{
	char *got[32], want_text[512] = "", got_text[512] = "";
	const char *want[32];
	size_t ngot = 0, nwant = 0;
	DIR *dir = opendir(t->etc);
	struct dirent *de;
	bool same;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		assert_true(ngot < 32);
		got[ngot] = strdup(de->d_name);
		assert_non_null(got[ngot]);
		ngot++;
	}
	closedir(dir);
	while (names[nwant] != NULL) {
		assert_true(nwant < 32);
		want[nwant] = names[nwant];
		nwant++;
	}
	qsort(got, ngot, sizeof(got[0]), compare_names);
	qsort(want, nwant, sizeof(want[0]), compare_names);
	same = ngot == nwant;
	for (size_t i = 0; same && i < ngot; i++)
		same = strcmp(got[i], want[i]) == 0;
	for (size_t i = 0; i < nwant; i++) {
		strncat(want_text, " ", sizeof(want_text) - strlen(want_text)
		    - 1);
		strncat(want_text, want[i], sizeof(want_text) -
		    strlen(want_text) - 1);
	}
	for (size_t i = 0; i < ngot; i++) {
		strncat(got_text, " ", sizeof(got_text) - strlen(got_text) - 1);
		strncat(got_text, got[i], sizeof(got_text) - strlen(got_text)
		    - 1);
		free(got[i]);
	}
	if (!same)
		print_error("etc/ holds%s; want%s\n", got_text, want_text);
	assert_true(same);
}

#define ETC(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Home folders for the standard accounts, so that pwck has nothing to say
 * about them (see test_set_password_ok_pwck). */
static void
make_homes(const struct shadow_fx *t)
{
	static const char *const homes[] = { "root", "home", "home/svc",
	    "home/bob", "home/admin", "home/carol", "home/high" };

	for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
		char *path = support_in_dir(t->fx, homes[i]);
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		free(path);
	}
}

/* ------------------------------------------------------------------ */
/* Hashes and the standard store                                       */

/* PASSWORD hashed by libxcrypt with SETTING, into OUT. */
static void
fixture_hash(const char *password, const char *setting, char *out,
    size_t size)
{
	struct crypt_data *data = calloc(1, sizeof(*data));
	const char *hash;

	assert_non_null(data);
	hash = crypt_rn(password, setting, data, sizeof(*data));
	assert_non_null(hash);
	assert_true(hash[0] != '*');
	assert_true(strlen(hash) < size);
	strcpy(out, hash);
	free(data);
}

/* Cheap fixed-salt SHA-512 hashes for the fixture's accounts. */
#define FIXTURE_SETTING "$6$rounds=1000$nvrfixture$"

static void
fixture_sha512(const char *password, char out[CRYPT_OUTPUT_SIZE])
{
	fixture_hash(password, FIXTURE_SETTING, out, CRYPT_OUTPUT_SIZE);
}

/*
 * The standard accounts. Only bob (1001), admin (1000) and carol (59999,
 * locked) are offered: root (0), svc (999) and high (60000) are outside
 * [min_uid, max_uid] but have real hashes of known passwords, so that a
 * test can show they are refused for that reason alone. The admin is not
 * first, and its line has non-default aging fields.
 */
static const char standard_passwd[] =
	"root:x:0:0:root:@DIR@/root:/bin/sh\n"
	"svc:x:999:0:below the range:@DIR@/home/svc:/bin/sh\n"
	"bob:x:1001:0:Bob:@DIR@/home/bob:/bin/sh\n"
	"admin:x:1000:0:Admin:@DIR@/home/admin:/bin/sh\n"
	"carol:x:59999:0:Carol:@DIR@/home/carol:/bin/sh\n"
	"high:x:60000:0:above the range:@DIR@/home/high:/bin/sh\n";

#define ADMIN_OLD "admin-old"

static char *
standard_shadow(void)
{
	char root[CRYPT_OUTPUT_SIZE], svc[CRYPT_OUTPUT_SIZE];
	char bob[CRYPT_OUTPUT_SIZE], admin[CRYPT_OUTPUT_SIZE];
	char high[CRYPT_OUTPUT_SIZE], *text;

	fixture_sha512("root-pw", root);
	fixture_sha512("svc-pw", svc);
	fixture_sha512("bob-pw", bob);
	fixture_sha512(ADMIN_OLD, admin);
	fixture_sha512("high-pw", high);
	assert_true(asprintf(&text,
	    "root:%s:19000:0:99999:7:::\n"
	    "svc:%s:19000:0:99999:7:::\n"
	    "bob:%s:19001:0:99999:7:::\n"
	    "admin:%s:19000:1:90:14:30:20500:\n"
	    "carol:!:19002:0:99999:7:::\n"
	    "high:%s:19000:0:99999:7:::\n",
	    root, svc, bob, admin, high) > 0);
	return text;
}

static void
write_standard(const struct shadow_fx *t)
{
	char *shadow = standard_shadow();

	make_homes(t);
	put_passwd(t, standard_passwd);
	put_shadow(t, shadow);
	free(shadow);
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/*
 * The config; ROOT's value is on line 8 at column 9, and EXTRA starts on
 * line 13 (so "  hash_cost: N" there has its value at 13:14).
 */
static char *
config_text_uids(const char *root, const char *admin, const char *min_uid,
    const char *max_uid, const char *extra)
{
	char *text;

	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  model: M\n"
	    "  serial: S\n"
	    "  firmware: F\n"
	    "accounts:\n"
	    "  backend: shadow\n"
	    "  root: %s\n"
	    "  admin: %s\n"
	    "  min_uid: %s\n"
	    "  max_uid: %s\n"
	    "  lock_timeout_ms: %d\n"
	    "%s", root, admin, min_uid, max_uid, LOCK_TIMEOUT_MS, extra) > 0);
	return text;
}

static char *
config_text(const char *root, const char *admin, const char *extra)
{
	return config_text_uids(root, admin, "1000", "59999", extra);
}

/* Loads the config (the schema check must pass) and opens its accounts
 * backend into t->acc; registry_open_accounts' result. */
static int
open_root(struct shadow_fx *t, const char *root, const char *admin,
    const char *extra)
{
	char *text = config_text(root, admin, extra);

	close_store(t);
	if (support_load_text(t->fx, text) != 0) {
		print_error("config_load failed:\n");
		diag_print(&t->fx->cfg.diags, stderr);
		free(text);
		fail();
	}
	free(text);
	assert_non_null(t->fx->cfg.stores[0].section.map);
	return registry_open_accounts(&t->fx->cfg.stores[0].section, &t->acc);
}

static int
open_store(struct shadow_fx *t, const char *admin, const char *extra)
{
	return open_root(t, t->fx->dir, admin, extra);
}

/* Opens the standard store with EXTRA settings; must succeed. */
static void
open_standard(struct shadow_fx *t, const char *extra)
{
	write_standard(t);
	if (open_store(t, "admin", extra) != 0) {
		diag_print(&t->fx->cfg.diags, stderr);
		fail();
	}
	assert_diag_count(&t->fx->cfg.diags, 0);
}

static int
do_list(struct shadow_fx *t, struct account *accounts, size_t max,
    size_t *count, struct nvr_error *err)
{
	return t->acc.ops->list(t->acc.state, accounts, max, count, err);
}

static int
do_verify(struct shadow_fx *t, const char *name, const char *password,
    struct nvr_error *err)
{
	return t->acc.ops->verify(t->acc.state, name, password, err);
}

static int
do_set(struct shadow_fx *t, const char *name, const char *password,
    struct nvr_error *err)
{
	return t->acc.ops->set_password(t->acc.state, name, password, err);
}

/* Fails with the backend's message if CALL does not return WANT. */
#define assert_rc(want, call, err) do {					\
	int rc_ = (call);						\
	if (rc_ != (want))						\
		print_error("%s returned %d, want %d; message: %s\n",	\
		    #call, rc_, (want), (err).message);			\
	assert_int_equal(rc_, (want));					\
} while (0)

/* The one diagnostic the open left: MSG (with "%s" for the folder) at
 * LINE:COL. */
static void
assert_only_diag(const struct shadow_fx *t, unsigned line, unsigned col,
    const char *msg)
{
	char *want = support_expand(msg, t->fx->dir);

	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, line, col, want);
	free(want);
}

/* ------------------------------------------------------------------ */
/* Lines and fields                                                    */

/* The line of TEXT for account NAME, or NULL. */
static const char *
find_line(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		if (end - pos > n && memcmp(text + pos, name, n) == 0 &&
		    text[pos + n] == ':')
			return text + pos;
		pos = end + 1;
	}
	return NULL;
}

/* Field I (0-based) of NAME's line into BUF. */
static void
get_field(const char *text, size_t len, const char *name, int i, char *buf,
    size_t size)
{
	const char *line = find_line(text, len, name), *end, *p, *q;

	assert_non_null(line);
	end = memchr(line, '\n', len - (size_t)(line - text));
	if (end == NULL)
		end = text + len;
	p = line;
	for (int f = 0; f < i; f++) {
		p = memchr(p, ':', (size_t)(end - p));
		assert_non_null(p);
		p++;
	}
	q = memchr(p, ':', (size_t)(end - p));
	if (q == NULL)
		q = end;
	assert_true((size_t)(q - p) < size);
	memcpy(buf, p, (size_t)(q - p));
	buf[q - p] = '\0';
}

/* OLD as set_password must leave it: only NAME's hash (field 2) and
 * last-change day (field 3) replaced. Malloc'd. */
static char *
expected_after_change(const char *old, size_t old_len, const char *name,
    const char *hash, const char *day, size_t *len)
{
	const char *line = find_line(old, old_len, name), *f1, *f3;
	char *out;

	assert_non_null(line);
	f1 = line + strlen(name) + 1;
	f3 = memchr(f1, ':', old_len - (size_t)(f1 - old));
	assert_non_null(f3);
	f3 = memchr(f3 + 1, ':', old_len - (size_t)(f3 + 1 - old));
	assert_non_null(f3);
	f3++;
	*len = (size_t)(f1 - old) + strlen(hash) + 1 + strlen(day) + 1 +
	    (old_len - (size_t)(f3 - old));
	out = malloc(*len + 1);
	assert_non_null(out);
	assert_int_equal(snprintf(out, *len + 1, "%.*s%s:%s:%.*s",
	    (int)(f1 - old), old, hash, day, (int)(old_len -
	    (size_t)(f3 - old)), f3), (int)*len);
	return out;
}

/*
 * Checks the store after NAME's password was changed from OLD (the whole
 * shadow file before) at a day from DAY0 to DAY1: the new hash starts
 * with PREFIX, the line's last-change field is the day, and every other
 * byte of the file is as it was. Returns the new hash in HASH.
 */
static void
assert_changed(const struct shadow_fx *t, const char *old, size_t old_len,
    const char *name, const char *prefix, long day0, long day1,
    char hash[CRYPT_OUTPUT_SIZE])
{
	char day[32], *now, *want;
	size_t now_len, want_len;
	long d;

	now = slurp(t->shadow_path, &now_len);
	get_field(now, now_len, name, 1, hash, CRYPT_OUTPUT_SIZE);
	if (strncmp(hash, prefix, strlen(prefix)) != 0)
		print_error("hash %s does not start with %s\n", hash, prefix);
	assert_int_equal(strncmp(hash, prefix, strlen(prefix)), 0);
	get_field(now, now_len, name, 2, day, sizeof(day));
	d = strtol(day, NULL, 10);
	assert_in_range(d, day0, day1);
	want = expected_after_change(old, old_len, name, hash, day,
	    &want_len);
	if (now_len != want_len || memcmp(now, want, now_len) != 0)
		print_error("--- want\n%s--- got\n%s---\n", want, now);
	assert_int_equal(now_len, want_len);
	assert_memory_equal(now, want, now_len);
	free(want);
	free(now);
}

static long
today(void)
{
	return (long)(time(NULL) / 86400);
}

static void
assert_account(const struct account *a, const char *name, uid_t uid,
    bool admin, enum account_password password)
{
	assert_string_equal(a->name, name);
	assert_int_equal(a->uid, uid);
	assert_int_equal(a->admin, admin);
	assert_int_equal(a->password, password);
}

/* ------------------------------------------------------------------ */
/* Children and external tools                                         */

/* Finds NAME on PATH or in the usual sbin and bin folders. */
static bool
find_tool(const char *name, char *path, size_t size)
{
	const char *env = getenv("PATH");
	char dirs[4096], *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s:/usr/local/sbin:/usr/local/bin:"
	    "/usr/sbin:/usr/bin:/sbin:/bin", env ? env : "");
	for (char *dir = strtok_r(dirs, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		if (dir[0] != '/')
			continue;
		if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size)
			continue;
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/*
 * Runs ARGV (ARGV[0] an absolute path) with INPUT on its standard input,
 * its standard output and error into OUT (cut to SIZE - 1 bytes). Returns
 * its exit status, or -1 if it did not exit.
 */
static int
run_tool(const char *const argv[], const char *input, char *out,
    size_t size)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
	int in[2], from[2], status;
	size_t used = 0, left = strlen(input);
	pid_t pid;

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(from, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(from[1], 1) < 0 ||
		    dup2(from[1], 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(in[0]);
	close(from[1]);
	/* A tool that exits without reading must not kill the test. */
	assert_int_equal(sigaction(SIGPIPE, &ignore, &saved), 0);
	while (left > 0) {
		ssize_t n = write(in[1], input, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		input += n;
		left -= (size_t)n;
	}
	close(in[1]);
	assert_int_equal(sigaction(SIGPIPE, &saved, NULL), 0);
	for (;;) {
		char buf[512];
		ssize_t n = read(from[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t take = (size_t)n < size - 1 - used ? (size_t)n :
		    size - 1 - used;
		memcpy(out + used, buf, take);
		used += take;
	}
	close(from[0]);
	out[used] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs a hash tool (found as TOOL) with ARGS, PASSWORD on standard input;
 * the single line it prints goes to HASH. Skips if TOOL is absent. */
static void
tool_hash(const char *tool, const char *const *args, const char *password,
    char hash[CRYPT_OUTPUT_SIZE])
{
	char path[PATH_MAX], *input, out[1024];
	const char *argv[16] = { path };
	size_t n = 1, len;
	int status;

	if (!find_tool(tool, path, sizeof(path))) {
		print_message("# %s is not installed; skipping\n", tool);
		skip();
	}
	for (; args[n - 1] != NULL && n < 15; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	assert_true(asprintf(&input, "%s\n", password) > 0);
	status = run_tool(argv, input, out, sizeof(out));
	free(input);
	if (status != 0)
		print_error("%s exited %d: %s\n", tool, status, out);
	assert_int_equal(status, 0);
	len = strcspn(out, "\n");
	assert_int_equal(out[len], '\n');
	assert_int_equal(out[len + 1], '\0');	/* one line */
	assert_true(len < CRYPT_OUTPUT_SIZE);
	memcpy(hash, out, len);
	hash[len] = '\0';
}

/* build/tests/crypt_check, next to this binary or (for the ASan build in
 * build/asan/tests) two folders up. */
static bool
find_crypt_check(char *path, size_t size)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *const rel[] = { "crypt_check", "../../tests/crypt_check" };

	if (n > 0) {
		exe[n] = '\0';
		dir = dirname(exe);
		for (size_t i = 0; i < 2; i++)
			if ((size_t)snprintf(path, size, "%s/%s", dir, rel[i]) <
			    size && access(path, X_OK) == 0)
				return true;
	}
	snprintf(path, size, "%s", "build/tests/crypt_check");
	return access(path, X_OK) == 0;
}

/* crypt_check's verdict on PASSWORD against HASH: true for "ok". Skips
 * if the program was not built. */
static bool
crypt_check(const char *hash, const char *password)
{
	char path[PATH_MAX], out[256], *input;
	const char *argv[] = { path, hash, NULL };
	int status;

	if (!find_crypt_check(path, sizeof(path))) {
		print_message("# build/tests/crypt_check is missing (make "
		    "build/tests/crypt_check); skipping\n");
		skip();
	}
	if (path[0] != '/') {
		char *abs = realpath(path, NULL);
		assert_non_null(abs);
		snprintf(path, sizeof(path), "%s", abs);
		free(abs);
	}
	assert_true(asprintf(&input, "%s\n", password) > 0);
	status = run_tool(argv, input, out, sizeof(out));
	free(input);
	if (status == 0)
		assert_string_equal(out, "ok\n");
	else if (status == 1)
		assert_string_equal(out, "no\n");
	else
		print_error("crypt_check exited %d: %s\n", status, out);
	assert_in_range(status, 0, 1);
	return status == 0;
}

/*
 * Forks a child that, if PWD_LOCK, takes an F_WRLCK on etc/.pwd.lock as
 * lckpwdf() does, then waits until released (release_holder). Returns
 * once the lock is held. The child's pid is t->holder.
 */
static void
start_holder(struct shadow_fx *t, bool pwd_lock)
{
	int ready[2], release[2];
	char c = 0;
	pid_t pid;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(release, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = -1;

		close(ready[0]);
		close(release[1]);
		c = 'y';
		if (pwd_lock) {
			fd = open(t->pwd_lock_path, O_WRONLY | O_CREAT |
			    O_CLOEXEC, 0600);
			if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
				c = 'n';
		}
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Until the parent closes its end. */
		while (read(release[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	t->holder = pid;
	t->holder_fd = release[1];
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	assert_int_equal(c, 'y');
}

/* The pid of a process that has exited and been reaped. */
static pid_t
dead_pid(void)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	return pid;
}

/* ------------------------------------------------------------------ */
/* open                                                                */

static void
test_open_ok(void **state)
{
	struct shadow_fx *t = *state;
	char *shadow = standard_shadow();

	write_standard(t);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_diag_count(&t->fx->cfg.diags, 0);
	assert_ptr_equal(t->acc.ops, accounts_shadow_impl.ops);
	assert_non_null(t->acc.state);
	/* Opening reads; it writes and locks nothing. */
	assert_file_is(t->shadow_path, shadow, strlen(shadow));
	assert_owner_mode(t->shadow_path, 0, SHADOW_GID, 0640);
	assert_etc_holds(t, ETC("passwd", "shadow"));
	free(shadow);
}

/* "root: DIR/" names DIR/etc/shadow, not DIR//etc/shadow. */
static void
test_open_ok_root_trailing_slash(void **state)
{
	struct shadow_fx *t = *state;
	char *root, *want;

	write_standard(t);
	assert_true(asprintf(&root, "%s/", t->fx->dir) > 0);
	assert_int_equal(open_root(t, root, "admin", ""), 0);
	assert_int_equal(unlink(t->shadow_path), 0);
	assert_int_equal(open_root(t, root, "admin", ""), -1);
	assert_true(asprintf(&want, "accounts.root: cannot open %s/etc/shadow:"
	    " No such file or directory", t->fx->dir) > 0);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 8, 9, want);
	free(want);
	free(root);
}

static void
test_open_nok_missing_shadow(void **state)
{
	struct shadow_fx *t = *state;

	make_homes(t);
	put_passwd(t, standard_passwd);
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_null(t->acc.ops);
	assert_null(t->acc.state);
	assert_only_diag(t, 8, 9, "accounts.root: cannot open "
	    "%s/etc/shadow: No such file or directory");
	assert_etc_holds(t, ETC("passwd"));
}

static void
test_open_nok_missing_passwd(void **state)
{
	struct shadow_fx *t = *state;
	char *shadow = standard_shadow();

	put_shadow(t, shadow);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_null(t->acc.ops);
	assert_only_diag(t, 8, 9, "accounts.root: cannot open "
	    "%s/etc/passwd: No such file or directory");
}

/* A shadow line with 8 fields, on line 4. */
static void
test_open_nok_shadow_eight_fields(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	put_shadow(t,
	    "root:*:19000:0:99999:7:::\n"
	    "bob:!:19001:0:99999:7:::\n"
	    "carol:!:19002:0:99999:7:::\n"
	    "admin::19000:0:99999:7::\n"
	    "high:*:19000:0:99999:7:::\n");
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_null(t->acc.ops);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/shadow:4: wrong "
	    "number of fields");
}

/* Ten fields (a colon too many) are refused as well. */
static void
test_open_nok_shadow_ten_fields(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	put_shadow(t,
	    "root:*:19000:0:99999:7:::\n"
	    "admin::19000:0:99999:7::::\n");
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/shadow:2: wrong "
	    "number of fields");
}

/* A stray \r at the end of line 3 (a file edited on another system). */
static void
test_open_nok_shadow_stray_cr(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	put_shadow(t,
	    "root:*:19000:0:99999:7:::\n"
	    "bob:!:19001:0:99999:7:::\n"
	    "carol:!:19002:0:99999:7:::\r\n"
	    "admin::19000:0:99999:7:::\n");
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/shadow:3: stray "
	    "control character");
}

/* A NUL inside a hash field on line 5. */
static void
test_open_nok_shadow_nul(void **state)
{
	struct shadow_fx *t = *state;
	static const char text[] =
	    "root:*:19000:0:99999:7:::\n"
	    "bob:!:19001:0:99999:7:::\n"
	    "carol:!:19002:0:99999:7:::\n"
	    "svc:*:19000:0:99999:7:::\n"
	    "admin:$6$ab\0cd:19000:0:99999:7:::\n"
	    "high:*:19000:0:99999:7:::\n";

	write_standard(t);
	put_shadow_bytes(t, text, sizeof(text) - 1);
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/shadow:5: stray "
	    "control character");
}

static void
test_open_nok_shadow_empty_name(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	put_shadow(t,
	    "root:*:19000:0:99999:7:::\n"
	    ":*:19000:0:99999:7:::\n");
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/shadow:2: empty "
	    "account name");
}

/* A blank line is a line with one field. */
static void
test_open_nok_shadow_blank_line(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	put_shadow(t,
	    "root:*:19000:0:99999:7:::\n"
	    "\n"
	    "admin::19000:0:99999:7:::\n");
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/shadow:2: wrong "
	    "number of fields");
}

static void
test_open_nok_passwd_six_fields(void **state)
{
	struct shadow_fx *t = *state;
	char *shadow = standard_shadow();

	put_shadow(t, shadow);
	free(shadow);
	put_passwd(t,
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "svc:x:999:0:/home/svc:/bin/sh\n");
	assert_int_equal(open_store(t, "admin", ""), -1);
	assert_only_diag(t, 8, 9, "accounts.root: %s/etc/passwd:2: wrong "
	    "number of fields");
}

static void
test_open_nok_hash_cost_yescrypt(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	assert_int_equal(open_store(t, "admin", "  hash_cost: 12\n"), -1);
	assert_null(t->acc.ops);
	assert_only_diag(t, 13, 14, "accounts.hash_cost: must be 0 (the "
	    "default) or from 1 to 11 for yescrypt");
	assert_int_equal(open_store(t, "admin", "  hash: yescrypt\n"
	    "  hash_cost: 12\n"), -1);
	assert_only_diag(t, 14, 14, "accounts.hash_cost: must be 0 (the "
	    "default) or from 1 to 11 for yescrypt");
}

static void
test_open_nok_hash_cost_sha512(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	assert_int_equal(open_store(t, "admin", "  hash: sha512\n"
	    "  hash_cost: 999\n"), -1);
	assert_null(t->acc.ops);
	assert_only_diag(t, 14, 14, "accounts.hash_cost: must be 0 (the "
	    "default) or from 1000 to 999999999 for sha512");
}

static void
test_open_nok_hash_cost_bcrypt(void **state)
{
	struct shadow_fx *t = *state;

	write_standard(t);
	assert_int_equal(open_store(t, "admin", "  hash: bcrypt\n"
	    "  hash_cost: 3\n"), -1);
	assert_only_diag(t, 14, 14, "accounts.hash_cost: must be 0 (the "
	    "default) or from 4 to 31 for bcrypt");
	assert_int_equal(open_store(t, "admin", "  hash: bcrypt\n"
	    "  hash_cost: 32\n"), -1);
	assert_only_diag(t, 14, 14, "accounts.hash_cost: must be 0 (the "
	    "default) or from 4 to 31 for bcrypt");
}

/* An admin whose hash is that of a listed factory password is DEFAULT:
 * first-boot setup, yet the password still verifies. Others are not
 * checked against the list. */
static void
test_list_ok_default_password(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[4];
	struct nvr_error err = { "" };
	size_t count;

	open_standard(t, "  default_passwords: [12345, " ADMIN_OLD ", bob-pw]\n");
	assert_rc(0, do_list(t, accounts, 4, &count, &err), err);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_DEFAULT);
	assert_account(&accounts[1], "bob", 1001, false,
	    ACCOUNT_PASSWORD_SET);
	assert_rc(0, do_verify(t, "admin", ADMIN_OLD, &err), err);
	assert_rc(0, do_set(t, "admin", "Quiet-Harbour-Light-7", &err), err);
	assert_rc(0, do_list(t, accounts, 4, &count, &err), err);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);
}

/* default_passwords is a list of text, each item checked where it is. */
static void
test_open_nok_default_passwords_not_a_list(void **state)
{
	struct shadow_fx *t = *state;
	char *text;

	write_standard(t);
	text = config_text(t->fx->dir, "admin", "  default_passwords: 12345\n");
	assert_int_equal(support_load_text(t->fx, text), -1);
	free(text);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 13, 22, "accounts.default_passwords "
	    "must be a list (e.g. [a, b]), not text");
	text = config_text(t->fx->dir, "admin",
	    "  default_passwords: [a, [b], \"\"]\n");
	assert_int_equal(support_load_text(t->fx, text), -1);
	free(text);
	assert_diag_count(&t->fx->cfg.diags, 2);
	assert_diag(&t->fx->cfg.diags, 13, 26, "each item of "
	    "accounts.default_passwords must be text, not a list");
	assert_diag(&t->fx->cfg.diags, 13, 31, "each item of "
	    "accounts.default_passwords must be text, not empty");
}

/* The cheap ends of each range are accepted (the dear ends would make
 * the open's own hash take minutes). */
static void
test_open_ok_hash_cost_bounds(void **state)
{
	struct shadow_fx *t = *state;
	static const char *const extras[] = {
		"  hash_cost: 1\n",
		"  hash: sha512\n  hash_cost: 1000\n",
		"  hash: bcrypt\n  hash_cost: 4\n",
		"  hash: bcrypt\n  hash_cost: 0\n",
	};

	write_standard(t);
	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		assert_int_equal(open_store(t, "admin", extras[i]), 0);
		assert_diag_count(&t->fx->cfg.diags, 0);
	}
}

/* An unknown method is the schema's to refuse, before any open. */
static void
test_open_nok_unknown_hash(void **state)
{
	struct shadow_fx *t = *state;
	char *text = config_text(t->fx->dir, "admin", "  hash: md5\n");

	write_standard(t);
	assert_int_equal(support_load_text(t->fx, text), -1);
	free(text);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 13, 9, "accounts.hash must be one of: "
	    "yescrypt, sha512, bcrypt (not 'md5')");
}

/* ------------------------------------------------------------------ */
/* list                                                                */

static void
test_list_ok_admin_first(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	size_t count = 99;

	open_standard(t, "");
	memset(accounts, 'x', sizeof(accounts));
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	/* root (0), svc (999) and high (60000) are outside the range. */
	assert_int_equal(count, 3);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[1], "bob", 1001, false,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[2], "carol", 59999, false,
	    ACCOUNT_PASSWORD_LOCKED);
}

/* admin: root makes uid 0 the admin, offered first; the range still
 * applies to the others. */
static void
test_list_ok_admin_root_uid_0(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	size_t count;

	write_standard(t);
	assert_int_equal(open_store(t, "root", ""), 0);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 4);
	assert_account(&accounts[0], "root", 0, true, ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[1], "bob", 1001, false,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[2], "admin", 1000, false,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[3], "carol", 59999, false,
	    ACCOUNT_PASSWORD_LOCKED);
	/* And root's password is checked like any offered account's. */
	assert_rc(0, do_verify(t, "root", "root-pw", &err), err);
	assert_rc(-EACCES, do_verify(t, "root", "svc-pw", &err), err);
}

/* The admin at the end of a long passwd is still first. */
static void
test_list_ok_admin_last(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[16];
	struct nvr_error err = { "" };
	char *passwd = NULL, *shadow = NULL;
	size_t plen = 0, slen = 0, count;
	FILE *p = open_memstream(&passwd, &plen);
	FILE *s = open_memstream(&shadow, &slen);

	assert_non_null(p);
	assert_non_null(s);
	for (int i = 0; i < 10; i++) {
		fprintf(p, "u%d:x:%d:0::/:/bin/sh\n", i, 2000 + i);
		fprintf(s, "u%d:!:19000:0:99999:7:::\n", i);
	}
	fprintf(p, "admin:x:1000:0::/:/bin/sh\n");
	fprintf(s, "admin::19000:0:99999:7:::\n");
	assert_int_equal(fclose(p), 0);
	assert_int_equal(fclose(s), 0);
	put_passwd(t, passwd);
	put_shadow(t, shadow);
	free(passwd);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_list(t, accounts, 16, &count, &err), err);
	assert_int_equal(count, 11);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_EMPTY);
	for (int i = 0; i < 10; i++) {
		char name[8];
		snprintf(name, sizeof(name), "u%d", i);
		assert_account(&accounts[i + 1], name, (uid_t)(2000 + i),
		    false, ACCOUNT_PASSWORD_LOCKED);
	}
}

/* Fewer slots than accounts: "the admin first" still holds. */
static void
test_list_ok_admin_first_when_truncated(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[2];
	struct nvr_error err = { "" };
	size_t count;

	open_standard(t, "");
	assert_rc(0, do_list(t, accounts, 2, &count, &err), err);
	assert_int_equal(count, 2);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[1], "bob", 1001, false,
	    ACCOUNT_PASSWORD_SET);
	assert_rc(0, do_list(t, accounts, 1, &count, &err), err);
	assert_int_equal(count, 1);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);
}

/* With more offered accounts than any fixed array holds before the admin
 * in passwd, the admin is still found, checked and changed. */
static void
test_verify_ok_admin_after_many_accounts(void **state)
{
	struct shadow_fx *t = *state;
	char admin_hash[CRYPT_OUTPUT_SIZE];
	char *passwd = NULL, *shadow = NULL;
	size_t passwd_len = 0, shadow_len = 0;
	FILE *pw = open_memstream(&passwd, &passwd_len);
	FILE *sh = open_memstream(&shadow, &shadow_len);
	struct account first;
	struct nvr_error err = { "" };
	size_t count;

	assert_non_null(pw);
	assert_non_null(sh);
	fixture_sha512(ADMIN_OLD, admin_hash);
	for (int i = 0; i < 1100; i++) {
		fprintf(pw, "u%d:x:%d:0::/:/bin/sh\n", i, 2000 + i);
		fprintf(sh, "u%d:!:19000:0:99999:7:::\n", i);
	}
	fprintf(pw, "admin:x:1000:0::/:/bin/sh\n");
	fprintf(sh, "admin:%s:19000:0:99999:7:::\n", admin_hash);
	assert_int_equal(fclose(pw), 0);
	assert_int_equal(fclose(sh), 0);
	put_passwd(t, passwd);
	put_shadow(t, shadow);
	free(passwd);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), 0);

	assert_rc(0, do_list(t, &first, 1, &count, &err), err);
	assert_int_equal(count, 1);
	assert_account(&first, "admin", 1000, true, ACCOUNT_PASSWORD_SET);
	assert_rc(0, do_verify(t, "admin", ADMIN_OLD, &err), err);
	assert_rc(0, do_set(t, "admin", "a-new-one", &err), err);
	assert_rc(0, do_verify(t, "admin", "a-new-one", &err), err);
	assert_rc(0, do_set(t, "u1099", "the-last", &err), err);
	assert_rc(0, do_verify(t, "u1099", "the-last", &err), err);
}

/* min_uid and max_uid are inclusive; an account outside is not offered
 * even when it is listed before the others. */
static void
test_list_ok_range_bounds(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	size_t count;

	put_passwd(t,
	    "nobody:x:65534:65534::/:/bin/sh\n"
	    "lo:x:999:0::/:/bin/sh\n"
	    "first:x:1000:0::/:/bin/sh\n"
	    "last:x:59999:0::/:/bin/sh\n"
	    "hi:x:60000:0::/:/bin/sh\n"
	    "admin:x:70000:0::/:/bin/sh\n"
	    "neg:x:-1:0::/:/bin/sh\n"
	    "huge:x:4294967296:0::/:/bin/sh\n"
	    "wrap:x:-4294966296:0::/:/bin/sh\n"
	    "plus:x:+1000:0::/:/bin/sh\n"
	    "space:x: 1000:0::/:/bin/sh\n"
	    "text:x:10x0:0::/:/bin/sh\n"
	    "blank:x::0::/:/bin/sh\n");
	put_shadow(t,
	    "nobody:*:19000:0:99999:7:::\n"
	    "lo:*:19000:0:99999:7:::\n"
	    "first:*:19000:0:99999:7:::\n"
	    "last:*:19000:0:99999:7:::\n"
	    "hi:*:19000:0:99999:7:::\n"
	    "admin:*:19000:0:99999:7:::\n"
	    "neg:*:19000:0:99999:7:::\n"
	    "huge:*:19000:0:99999:7:::\n"
	    "wrap:*:19000:0:99999:7:::\n"
	    "plus:*:19000:0:99999:7:::\n"
	    "space:*:19000:0:99999:7:::\n"
	    "text:*:19000:0:99999:7:::\n"
	    "blank:*:19000:0:99999:7:::\n");
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 3);
	/* The admin is offered whatever its uid. */
	assert_account(&accounts[0], "admin", 70000, true,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[1], "first", 1000, false,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[2], "last", 59999, false,
	    ACCOUNT_PASSWORD_LOCKED);
}

/* The uid range reaches the highest uid there is (4294967294; -1 means
 * none): bounds and uids past 32-bit long are whole numbers too, and a
 * uid that only wraps to one in range (strtoul's minus sign, modulo
 * 2^32 on a 32-bit machine) is not offered. */
static void
test_list_ok_range_bounds_beyond_32_bits(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	size_t count;
	char *text;

	put_passwd(t,
	    "admin:x:1000:0::/:/bin/sh\n"
	    "below:x:4294967293:0::/:/bin/sh\n"
	    "top:x:4294967294:0::/:/bin/sh\n"
	    "none:x:4294967295:0::/:/bin/sh\n"
	    "over:x:8589934590:0::/:/bin/sh\n"
	    "wrap:x:-2:0::/:/bin/sh\n");
	put_shadow(t,
	    "admin:*:19000:0:99999:7:::\n"
	    "below:*:19000:0:99999:7:::\n"
	    "top:*:19000:0:99999:7:::\n"
	    "none:*:19000:0:99999:7:::\n"
	    "over:*:19000:0:99999:7:::\n"
	    "wrap:*:19000:0:99999:7:::\n");
	text = config_text_uids(t->fx->dir, "admin", "4294967294",
	    "4294967294", "");
	assert_int_equal(support_load_text(t->fx, text), 0);
	free(text);
	assert_diag_count(&t->fx->cfg.diags, 0);
	assert_int_equal(registry_open_accounts(&t->fx->cfg.stores[0].section,
	    &t->acc), 0);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 2);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[1], "top", 4294967294u, false,
	    ACCOUNT_PASSWORD_LOCKED);
}

/* An account in passwd without a shadow line is not ours to change. */
static void
test_list_ok_no_shadow_line(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	char *shadow = standard_shadow();
	size_t count;

	put_passwd(t,
	    "dave:x:1002:0:no shadow line:/:/bin/sh\n"
	    "bob:x:1001:0:Bob:/:/bin/sh\n"
	    "admin:x:1000:0:Admin:/:/bin/sh\n"
	    "carol:x:59999:0:Carol:/:/bin/sh\n");
	put_shadow(t, shadow);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 3);
	assert_string_equal(accounts[0].name, "admin");
	assert_string_equal(accounts[1].name, "bob");
	assert_string_equal(accounts[2].name, "carol");
	/* Nor may it be checked or changed. */
	assert_rc(-EACCES, do_verify(t, "dave", "", &err), err);
	assert_rc(-ENOENT, do_set(t, "dave", "new-pw", &err), err);
}

/* The admin with no shadow line is not offered either. */
static void
test_list_ok_admin_without_shadow_line(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	size_t count;

	put_passwd(t,
	    "admin:x:1000:0::/:/bin/sh\n"
	    "bob:x:1001:0::/:/bin/sh\n");
	put_shadow(t, "bob:!:19000:0:99999:7:::\n");
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 1);
	assert_account(&accounts[0], "bob", 1001, false,
	    ACCOUNT_PASSWORD_LOCKED);
}

/* The password field's states, and verify's answer for each: only a real
 * hash can match, even when a locked field holds the right one. */
static const char states_passwd[] =
	"e1:x:1001:0::/:/bin/sh\n"
	"l1:x:1002:0::/:/bin/sh\n"
	"l2:x:1003:0::/:/bin/sh\n"
	"l3:x:1004:0::/:/bin/sh\n"
	"l4:x:1005:0::/:/bin/sh\n"
	"s1:x:1006:0::/:/bin/sh\n"
	"l5:x:1007:0::/:/bin/sh\n"
	"admin:x:1000:0::/:/bin/sh\n";

static void
write_states(struct shadow_fx *t)
{
	char l4[CRYPT_OUTPUT_SIZE], s1[CRYPT_OUTPUT_SIZE];
	char l5[CRYPT_OUTPUT_SIZE], *shadow;

	fixture_sha512("l4-pw", l4);
	fixture_sha512("s1-pw", s1);
	fixture_sha512("l5-pw", l5);
	assert_true(asprintf(&shadow,
	    "e1::19000:0:99999:7:::\n"
	    "l1:!:19000:0:99999:7:::\n"
	    "l2:!!:19000:0:99999:7:::\n"
	    "l3:*:19000:0:99999:7:::\n"
	    "l4:!%s:19000:0:99999:7:::\n"
	    "s1:%s:19000:0:99999:7:::\n"
	    "l5:*%s:19000:0:99999:7:::\n"
	    "admin::19000:0:99999:7:::\n", l4, s1, l5) > 0);
	put_passwd(t, states_passwd);
	put_shadow(t, shadow);
	free(shadow);
}

static void
test_list_ok_password_states(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[16];
	struct nvr_error err = { "" };
	size_t count;

	write_states(t);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_list(t, accounts, 16, &count, &err), err);
	assert_int_equal(count, 8);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_EMPTY);
	assert_account(&accounts[1], "e1", 1001, false,
	    ACCOUNT_PASSWORD_EMPTY);
	assert_account(&accounts[2], "l1", 1002, false,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[3], "l2", 1003, false,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[4], "l3", 1004, false,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[5], "l4", 1005, false,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[6], "s1", 1006, false,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[7], "l5", 1007, false,
	    ACCOUNT_PASSWORD_LOCKED);
}

/* list looks each account up in the shadow file by its whole name (bo,
 * bob and bobby are three), and a name on two lines is its first line's,
 * as a scan from the top finds it; the file is read once whatever the
 * number of accounts. */
static void
test_list_ok_names_looked_up_whole(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	char set[CRYPT_OUTPUT_SIZE], *shadow;
	size_t count;

	fixture_sha512("bo-pw", set);
	assert_true(asprintf(&shadow,
	    "bobby::19000:0:99999:7:::\n"
	    "bob:!:19000:0:99999:7:::\n"
	    "admin:%s:19000:0:99999:7:::\n"
	    "bo:%s:19000:0:99999:7:::\n"
	    "bob:%s:19000:0:99999:7:::\n", set, set, set) > 0);
	put_passwd(t,
	    "admin:x:1000:1000::/home/admin:/bin/sh\n"
	    "bob:x:1001:1001::/home/bob:/bin/sh\n"
	    "bo:x:1002:1002::/home/bo:/bin/sh\n"
	    "bobby:x:1003:1003::/home/bobby:/bin/sh\n"
	    "bobb:x:1004:1004::/home/bobb:/bin/sh\n");
	put_shadow(t, shadow);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	/* bobb has no shadow line: not offered. */
	assert_int_equal(count, 4);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[1], "bob", 1001, false,
	    ACCOUNT_PASSWORD_LOCKED);
	assert_account(&accounts[2], "bo", 1002, false,
	    ACCOUNT_PASSWORD_SET);
	assert_account(&accounts[3], "bobby", 1003, false,
	    ACCOUNT_PASSWORD_EMPTY);
}

/* list re-reads the store: a change by passwd(1) meanwhile is seen. */
static void
test_list_ok_rereads(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	char *shadow, *line;
	size_t len, count;

	open_standard(t, "");
	shadow = slurp(t->shadow_path, &len);
	line = strstr(shadow, "carol:!:");
	assert_non_null(line);
	memmove(line + 6, line + 7, len - (size_t)(line + 7 - shadow) + 1);
	put_shadow(t, shadow);
	free(shadow);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 3);
	assert_account(&accounts[2], "carol", 59999, false,
	    ACCOUNT_PASSWORD_EMPTY);
}

/* A store that broke after the open is refused with FILE:LINE. */
static void
test_list_nok_corrupt_after_open(void **state)
{
	struct shadow_fx *t = *state;
	struct account accounts[8];
	struct nvr_error err = { "" };
	char *want;
	size_t count = 99;

	open_standard(t, "");
	put_shadow(t,
	    "root:*:19000:0:99999:7:::\n"
	    "bob:*:19000:0:99999\n"
	    "admin::19000:0:99999:7:::\n");
	assert_rc(-EINVAL, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 0);
	assert_true(asprintf(&want, "%s:2: wrong number of fields",
	    t->shadow_path) > 0);
	assert_string_equal(err.message, want);
	free(want);
}

/* ------------------------------------------------------------------ */
/* verify                                                              */

static void
test_verify_ok_fixture_hash(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };

	open_standard(t, "");
	assert_rc(0, do_verify(t, "admin", ADMIN_OLD, &err), err);
	assert_rc(0, do_verify(t, "bob", "bob-pw", &err), err);
}

/* Puts HASH (of PASSWORD, made by another tool) in bob's line and checks
 * verify accepts exactly that password. */
static void
check_foreign_hash(struct shadow_fx *t, const char *hash,
    const char *password)
{
	struct nvr_error err = { "" };
	char *shadow;

	make_homes(t);
	put_passwd(t, standard_passwd);
	assert_true(asprintf(&shadow,
	    "admin::19000:0:99999:7:::\n"
	    "bob:%s:19000:0:99999:7:::\n", hash) > 0);
	put_shadow(t, shadow);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_verify(t, "bob", password, &err), err);
	assert_rc(-EACCES, do_verify(t, "bob", "wrong password", &err), err);
	assert_rc(-EACCES, do_verify(t, "bob", "", &err), err);
	assert_string_equal(err.message, "wrong password");
	/* Near misses. */
	{
		size_t n = strlen(password);
		char *near = malloc(n + 2);

		assert_non_null(near);
		memcpy(near, password, n + 1);
		near[n] = 'x';
		near[n + 1] = '\0';
		assert_rc(-EACCES, do_verify(t, "bob", near, &err), err);
		near[n - 1] = '\0';
		assert_rc(-EACCES, do_verify(t, "bob", near, &err), err);
		memcpy(near, password, n + 1);
		near[0] ^= 0x20;	/* the case of the first letter */
		assert_rc(-EACCES, do_verify(t, "bob", near, &err), err);
		free(near);
	}
	/* The hash of bob's is not the admin's. */
	assert_rc(-EACCES, do_verify(t, "admin", password, &err), err);
}

static void
test_verify_ok_openssl_sha512(void **state)
{
	struct shadow_fx *t = *state;
	static const char *const args[] = { "passwd", "-6", "-salt",
	    "nvrOpenSSLsalt", "-stdin", NULL };
	char hash[CRYPT_OUTPUT_SIZE];

	tool_hash("openssl", args, "Tr0ub4dor & 3", hash);
	assert_int_equal(strncmp(hash, "$6$nvrOpenSSLsalt$", 18), 0);
	check_foreign_hash(t, hash, "Tr0ub4dor & 3");
}

static void
test_verify_ok_mkpasswd_yescrypt(void **state)
{
	struct shadow_fx *t = *state;
	static const char *const args[] = { "-m", "yescrypt", "--stdin",
	    NULL };
	char hash[CRYPT_OUTPUT_SIZE];

	tool_hash("mkpasswd", args, "correct horse battery staple", hash);
	assert_int_equal(strncmp(hash, "$y$", 3), 0);
	check_foreign_hash(t, hash, "correct horse battery staple");
}

static void
test_verify_ok_mkpasswd_bcrypt(void **state)
{
	struct shadow_fx *t = *state;
	static const char *const args[] = { "-m", "bcrypt", "--stdin", NULL };
	char hash[CRYPT_OUTPUT_SIZE];

	tool_hash("mkpasswd", args, "Blowfish-9 ok?", hash);
	assert_int_equal(strncmp(hash, "$2b$", 4), 0);
	check_foreign_hash(t, hash, "Blowfish-9 ok?");
}

static void
test_verify_nok_wrong_password(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };

	open_standard(t, "");
	assert_rc(-EACCES, do_verify(t, "admin", "admin-ol", &err), err);
	assert_string_equal(err.message, "wrong password");
	assert_rc(-EACCES, do_verify(t, "admin", "admin-old ", &err), err);
	assert_rc(-EACCES, do_verify(t, "admin", "Admin-old", &err), err);
	assert_rc(-EACCES, do_verify(t, "admin", "", &err), err);
	/* Another account's password. */
	assert_rc(-EACCES, do_verify(t, "admin", "bob-pw", &err), err);
	/* The hash itself is not the password. */
	{
		size_t len;
		char hash[CRYPT_OUTPUT_SIZE], *shadow = slurp(t->shadow_path,
		    &len);

		get_field(shadow, len, "admin", 1, hash, sizeof(hash));
		assert_rc(-EACCES, do_verify(t, "admin", hash, &err), err);
		free(shadow);
	}
}

/*
 * Opening the store hashes nothing, and an account that is not there is
 * checked as a wrong password is: one hash, with the configured method
 * and cost (the setting up to its salt is that of the hash the store
 * writes), a new salt of the same length.
 */
static void
test_verify_nok_unknown_account_costs_as_real(void **state)
{
	static const char *const methods[] = {
		"", "  hash: sha512\n  hash_cost: 5000\n",
		"  hash: bcrypt\n  hash_cost: 5\n",
	};
	struct shadow_fx *t = *state;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct nvr_error err = { "" };
		char unknown[CRYPT_OUTPUT_SIZE], known[CRYPT_OUTPUT_SIZE];
		size_t upto;

		close_store(t);
		write_standard(t);	/* (its hashes made with crypt_rn) */
		crypt_calls = 0;
		assert_int_equal(open_store(t, "admin", methods[i]), 0);
		assert_int_equal(crypt_calls, 0);
		assert_rc(0, do_set(t, "admin", "Harbour-Lamp-Test-9", &err),
		    err);
		crypt_calls = 0;
		assert_rc(-EACCES, do_verify(t, "ghost", "Harbour-Lamp-Test-9",
		    &err), err);
		assert_int_equal(crypt_calls, 1);
		snprintf(unknown, sizeof(unknown), "%s", crypt_setting);
		assert_rc(-EACCES, do_verify(t, "admin", "Harbour-Lamp-Test-8",
		    &err), err);
		assert_int_equal(crypt_calls, 2);
		snprintf(known, sizeof(known), "%s", crypt_setting);
		/* Method and cost: everything before the salt. */
		upto = (size_t)(strrchr(unknown, '$') - unknown) + 1;
		assert_true(strlen(known) > strlen(unknown));
		assert_memory_equal(unknown, known, upto);
		assert_memory_not_equal(unknown + upto, known + upto,
		    strlen(unknown) - upto);
		if (known[upto - 1] == '$' && strchr(known + upto, '$') != NULL)
			assert_int_equal(strchr(known + upto, '$') - known,
			    (ptrdiff_t)strlen(unknown));
	}
}

/* The same answer as a wrong password, for names that are not there. */
static void
test_verify_nok_unknown_account(void **state)
{
	struct shadow_fx *t = *state;
	static const char *const names[] = { "ghost", "", "admin ", "adm",
	    "Admin", "admin:x", "bob\n", ":" };

	open_standard(t, "");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct nvr_error err = { "" };
		assert_rc(-EACCES, do_verify(t, names[i], ADMIN_OLD, &err),
		    err);
		assert_string_equal(err.message, "wrong password");
	}
}

static void
test_verify_nok_locked(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	static const char *const locked[] = { "l1", "l2", "l3" };

	write_states(t);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(0, do_verify(t, "s1", "s1-pw", &err), err);
	/* "!" before a hash of exactly this password: still locked. */
	assert_rc(-EACCES, do_verify(t, "l4", "l4-pw", &err), err);
	assert_rc(-EACCES, do_verify(t, "l5", "l5-pw", &err), err);
	/* No password matches "!", "!!" or "*", not even the field's own
	 * text. */
	for (size_t i = 0; i < sizeof(locked) / sizeof(locked[0]); i++) {
		assert_rc(-EACCES, do_verify(t, locked[i], "", &err), err);
		assert_rc(-EACCES, do_verify(t, locked[i], "!", &err), err);
		assert_rc(-EACCES, do_verify(t, locked[i], "!!", &err), err);
		assert_rc(-EACCES, do_verify(t, locked[i], "*", &err), err);
	}
}

/* An empty field is no password, not the empty password. */
static void
test_verify_nok_empty(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };

	write_states(t);
	assert_int_equal(open_store(t, "admin", ""), 0);
	assert_rc(-EACCES, do_verify(t, "e1", "", &err), err);
	assert_rc(-EACCES, do_verify(t, "e1", "anything", &err), err);
	assert_rc(-EACCES, do_verify(t, "admin", "", &err), err);
}

/*
 * More than 512 bytes is refused before hashing. bcrypt reads only the
 * first 72 bytes, so without that check a long password sharing them
 * would match; with SHA-512 the longest password libxcrypt takes (511
 * bytes) still works.
 */
static void
test_verify_nok_too_long(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char bob[CRYPT_OUTPUT_SIZE], admin[CRYPT_OUTPUT_SIZE], *shadow;
	char pw[700];

	memset(pw, 'p', sizeof(pw));
	pw[100] = '\0';
	fixture_hash(pw, "$2b$04$abcdefghijklmnopqrstuu", bob, sizeof(bob));
	memset(pw, 'q', sizeof(pw));
	pw[511] = '\0';
	fixture_sha512(pw, admin);
	make_homes(t);
	put_passwd(t, standard_passwd);
	assert_true(asprintf(&shadow,
	    "admin:%s:19000:0:99999:7:::\n"
	    "bob:%s:19000:0:99999:7:::\n", admin, bob) > 0);
	put_shadow(t, shadow);
	free(shadow);
	assert_int_equal(open_store(t, "admin", ""), 0);

	assert_rc(0, do_verify(t, "admin", pw, &err), err);
	memset(pw, 'q', sizeof(pw));
	pw[513] = '\0';
	assert_rc(-EACCES, do_verify(t, "admin", pw, &err), err);

	memset(pw, 'p', sizeof(pw));
	pw[100] = '\0';
	assert_rc(0, do_verify(t, "bob", pw, &err), err);
	pw[100] = 'p';
	pw[513] = '\0';
	assert_rc(-EACCES, do_verify(t, "bob", pw, &err), err);
	pw[513] = 'p';
	pw[699] = '\0';
	assert_rc(-EACCES, do_verify(t, "bob", pw, &err), err);
}

/* Accounts that are not offered are refused even with the right
 * password. */
static void
test_verify_nok_outside_range(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };

	open_standard(t, "");
	assert_rc(-EACCES, do_verify(t, "root", "root-pw", &err), err);
	assert_string_equal(err.message, "wrong password");
	assert_rc(-EACCES, do_verify(t, "svc", "svc-pw", &err), err);
	assert_rc(-EACCES, do_verify(t, "high", "high-pw", &err), err);
}

/* A store that cannot be parsed is an error, not a wrong password. */
static void
test_verify_nok_corrupt_after_open(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char *shadow, *line;
	size_t len;

	open_standard(t, "");
	shadow = slurp(t->shadow_path, &len);
	line = strstr(shadow, "high:");
	assert_non_null(line);
	*strrchr(line, ':') = '\r';	/* 8 fields and a stray \r */
	put_shadow_bytes(t, shadow, len);
	free(shadow);
	assert_rc(-EINVAL, do_verify(t, "admin", ADMIN_OLD, &err), err);
	assert_non_null(strstr(err.message, "/etc/shadow:6: "));
}

/* Prints how long one verify takes with EXTRA's method; no assertion on
 * the time. */
static void
time_verify(struct shadow_fx *t, const char *extra, const char *label)
{
	struct nvr_error err = { "" };
	char hash[CRYPT_OUTPUT_SIZE], *shadow;
	struct timespec start;
	size_t len;
	double ms;
	const int rounds = 3;

	open_standard(t, extra);
	assert_rc(0, do_set(t, "admin", "timing pass-phrase", &err), err);
	shadow = slurp(t->shadow_path, &len);
	get_field(shadow, len, "admin", 1, hash, sizeof(hash));
	free(shadow);
	assert_rc(0, do_verify(t, "admin", "timing pass-phrase", &err), err);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &start), 0);
	for (int i = 0; i < rounds; i++)
		assert_rc(0, do_verify(t, "admin", "timing pass-phrase", &err),
		    err);
	ms = support_ms_since(&start) / rounds;
	/* The setting: the hash up to its last '$'. */
	*strrchr(hash, '$') = '\0';
	fprintf(stderr, "# verify with %s (setting %s$): %.1f ms per call%s\n",
	    label, hash, ms,
#if defined(__SANITIZE_ADDRESS__)
	    " (ASan build)"
#else
	    ""
#endif
	    );
}

static void
test_verify_ok_time_yescrypt_default(void **state)
{
	time_verify(*state, "", "yescrypt, default cost");
}

static void
test_verify_ok_time_sha512_default(void **state)
{
	time_verify(*state, "  hash: sha512\n", "sha512, default rounds");
}

/* ------------------------------------------------------------------ */
/* set_password                                                        */

#define ADMIN_NEW "N3w pass-phrase, 2 words"

/* The full check of one change of the admin's password with EXTRA's
 * method, whose hashes start with PREFIX. */
static void
check_set_admin(struct shadow_fx *t, const char *extra, const char *prefix)
{
	struct nvr_error err = { "" };
	struct account accounts[8];
	char hash[CRYPT_OUTPUT_SIZE], field[32];
	char *old, *old_passwd;
	size_t old_len, passwd_len, count;
	struct stat passwd_before, passwd_after;
	long day0, day1;

	open_standard(t, extra);
	old = slurp(t->shadow_path, &old_len);
	old_passwd = slurp(t->passwd_path, &passwd_len);
	assert_int_equal(stat(t->passwd_path, &passwd_before), 0);

	day0 = today();
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	day1 = today();

	/* Only the admin's hash and last-change day changed. */
	assert_changed(t, old, old_len, "admin", prefix, day0, day1, hash);
	{
		size_t len;
		char *now = slurp(t->shadow_path, &len);
		static const char *const aging[] = { "1", "90", "14", "30",
		    "20500", "" };
		for (int i = 0; i < 6; i++) {
			get_field(now, len, "admin", 3 + i, field,
			    sizeof(field));
			assert_string_equal(field, aging[i]);
		}
		free(now);
	}
	/* Owner, group and mode kept; the old file is the backup, with the
	 * same owner and mode; nothing else left in etc/. */
	assert_owner_mode(t->shadow_path, 0, SHADOW_GID, 0640);
	assert_file_is(t->backup_path, old, old_len);
	assert_owner_mode(t->backup_path, 0, SHADOW_GID, 0640);
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow-", ".pwd.lock"));
	/* passwd untouched, not even rewritten. */
	assert_file_is(t->passwd_path, old_passwd, passwd_len);
	assert_int_equal(stat(t->passwd_path, &passwd_after), 0);
	assert_int_equal(passwd_after.st_ino, passwd_before.st_ino);
	assert_int_equal(passwd_after.st_mtim.tv_sec,
	    passwd_before.st_mtim.tv_sec);
	assert_int_equal(passwd_after.st_mtim.tv_nsec,
	    passwd_before.st_mtim.tv_nsec);
	assert_owner_mode(t->passwd_path, 0, 0, 0644);

	/* The new password works, the old one does not, others are as
	 * they were. */
	assert_rc(0, do_verify(t, "admin", ADMIN_NEW, &err), err);
	assert_rc(-EACCES, do_verify(t, "admin", ADMIN_OLD, &err), err);
	assert_rc(0, do_verify(t, "bob", "bob-pw", &err), err);
	assert_rc(0, do_list(t, accounts, 8, &count, &err), err);
	assert_int_equal(count, 3);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);

	/* A fresh open of the changed store agrees. */
	assert_int_equal(open_store(t, "admin", extra), 0);
	assert_rc(0, do_verify(t, "admin", ADMIN_NEW, &err), err);

	/* And libxcrypt's crypt(), in another program, agrees too. */
	assert_true(crypt_check(hash, ADMIN_NEW));
	assert_false(crypt_check(hash, ADMIN_OLD));
	free(old);
	free(old_passwd);
}

static void
test_set_password_ok_yescrypt_default(void **state)
{
	check_set_admin(*state, "", "$y$");
}

static void
test_set_password_ok_yescrypt_named(void **state)
{
	check_set_admin(*state, "  hash: yescrypt\n  hash_cost: 3\n", "$y$");
}

static void
test_set_password_ok_sha512(void **state)
{
	struct shadow_fx *t = *state;
	char hash[CRYPT_OUTPUT_SIZE];
	size_t len;
	char *now;

	check_set_admin(t, "  hash: sha512\n", "$6$");
	/* libxcrypt's default rounds: none written. */
	now = slurp(t->shadow_path, &len);
	get_field(now, len, "admin", 1, hash, sizeof(hash));
	assert_int_not_equal(strncmp(hash, "$6$rounds=", 10), 0);
	free(now);
}

static void
test_set_password_ok_sha512_rounds(void **state)
{
	check_set_admin(*state, "  hash: sha512\n  hash_cost: 1000\n",
	    "$6$rounds=1000$");
}

static void
test_set_password_ok_bcrypt(void **state)
{
	check_set_admin(*state, "  hash: bcrypt\n", "$2b$");
}

static void
test_set_password_ok_bcrypt_cost(void **state)
{
	check_set_admin(*state, "  hash: bcrypt\n  hash_cost: 4\n", "$2b$04$");
}

/* First boot: the admin had no password at all. */
static void
test_set_password_ok_empty_admin(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	struct account accounts[16];
	char hash[CRYPT_OUTPUT_SIZE], *old;
	size_t old_len, count;
	long day0;

	write_states(t);
	assert_int_equal(open_store(t, "admin", ""), 0);
	old = slurp(t->shadow_path, &old_len);
	day0 = today();
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_changed(t, old, old_len, "admin", "$y$", day0, today(), hash);
	assert_rc(0, do_list(t, accounts, 16, &count, &err), err);
	assert_account(&accounts[0], "admin", 1000, true,
	    ACCOUNT_PASSWORD_SET);
	assert_rc(0, do_verify(t, "admin", ADMIN_NEW, &err), err);
	free(old);
}

/* The changed line is the last one and has no newline: none is added. */
static void
test_set_password_ok_last_line_without_newline(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char hash[CRYPT_OUTPUT_SIZE], *old;
	static const char text[] =
	    "root:*:19000:0:99999:7:::\n"
	    "bob:!:19001:0:99999:7:::\n"
	    "admin::18000::::::";
	size_t old_len;
	long day0;

	make_homes(t);
	put_passwd(t, standard_passwd);
	put_shadow(t, text);
	assert_int_equal(open_store(t, "admin", "  hash: sha512\n"), 0);
	old = slurp(t->shadow_path, &old_len);
	day0 = today();
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_changed(t, old, old_len, "admin", "$6$", day0, today(), hash);
	assert_file_is(t->backup_path, text, strlen(text));
	free(old);
}

/* A second change keeps the first change's file as the backup. */
static void
test_set_password_ok_twice(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char *first;
	size_t first_len;

	open_standard(t, "  hash: sha512\n");
	assert_rc(0, do_set(t, "admin", "first new", &err), err);
	first = slurp(t->shadow_path, &first_len);
	assert_rc(0, do_set(t, "bob", "bob new", &err), err);
	assert_file_is(t->backup_path, first, first_len);
	assert_rc(0, do_verify(t, "admin", "first new", &err), err);
	assert_rc(0, do_verify(t, "bob", "bob new", &err), err);
	assert_rc(-EACCES, do_verify(t, "bob", "bob-pw", &err), err);
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow-", ".pwd.lock"));
	free(first);
}

/* A shadow+ left by a killed writer and an old shadow- that others could
 * read are both replaced; the new backup gets etc/shadow's owner and mode. */
static void
test_set_password_ok_stale_temp_and_backup(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char hash[CRYPT_OUTPUT_SIZE], *tmp_path, *old;
	size_t old_len;
	long day0;

	open_standard(t, "");
	old = slurp(t->shadow_path, &old_len);
	assert_true(asprintf(&tmp_path, "%s+", t->shadow_path) > 0);
	support_write_file(tmp_path, "half-written\n", 13, 0644);
	support_write_file(t->backup_path, "ancient:x\n", 10, 0644);
	day0 = today();
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_changed(t, old, old_len, "admin", "$y$", day0, today(), hash);
	assert_file_is(t->backup_path, old, old_len);
	assert_owner_mode(t->backup_path, 0, SHADOW_GID, 0640);
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow-", ".pwd.lock"));
	free(tmp_path);
	free(old);
}

/* Red Hat's etc/shadow is root:root 0000; that is kept as it is. */
static void
test_set_password_ok_keeps_mode_0000(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };

	open_standard(t, "  hash: sha512\n");
	assert_int_equal(chown(t->shadow_path, 0, 0), 0);
	assert_int_equal(chmod(t->shadow_path, 0), 0);
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_owner_mode(t->shadow_path, 0, 0, 0);
	assert_owner_mode(t->backup_path, 0, 0, 0);
	assert_rc(0, do_verify(t, "admin", ADMIN_NEW, &err), err);
}

/*
 * shadow-utils' own checker agrees the changed files are well-formed.
 * pwck also checks home folders, groups and shells; the fixture makes
 * them all exist (homes under the test folder, group 0, /bin/sh) and
 * gives every passwd entry a shadow line, so that the only thing left for
 * it to judge is the file format we wrote. -q would hide those warnings
 * anyway; the run without -q shows nothing is being hidden.
 */
static void
test_set_password_ok_pwck(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char pwck[PATH_MAX], out[4096];
	const char *quiet[] = { pwck, "-r", "-q", t->passwd_path,
	    t->shadow_path, NULL };
	const char *full[] = { pwck, "-r", t->passwd_path, t->shadow_path,
	    NULL };
	int status;

	if (!find_tool("pwck", pwck, sizeof(pwck))) {
		print_message("# pwck (package passwd) is not installed; "
		    "skipping\n");
		skip();
	}
	open_standard(t, "");
	/* The fixture itself passes, so a failure below is ours. */
	status = run_tool(full, "", out, sizeof(out));
	if (status != 0)
		print_error("pwck on the fixture exited %d:\n%s", status, out);
	assert_int_equal(status, 0);

	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_rc(0, do_set(t, "carol", "carol new", &err), err);
	status = run_tool(quiet, "", out, sizeof(out));
	if (status != 0)
		print_error("pwck -r -q exited %d:\n%s", status, out);
	assert_int_equal(status, 0);
	status = run_tool(full, "", out, sizeof(out));
	if (status != 0)
		print_error("pwck -r exited %d:\n%s", status, out);
	assert_int_equal(status, 0);
	assert_string_equal(out, "");
	/* Read-only: pwck changed nothing. */
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow-", ".pwd.lock"));
}

/* A shadow file with a bad line elsewhere is never rewritten. */
static void
test_set_password_nok_corrupt(void **state)
{
	struct shadow_fx *t = *state;
	static const struct {
		const char *text;
		size_t len;
		const char *message;
	} cases[] = {
#define CASE(text, message) { text, sizeof(text) - 1, message }
		CASE("root:*:19000:0:99999:7:::\n"
		    "admin::19000:1:90:14:30:20500:\n"
		    "bob:!:19001:0:99999:7:::\n"
		    "carol:!:19002:0:99999:7::\n",
		    "%s/etc/shadow:4: wrong number of fields"),
		CASE("root:*:19000:0:99999:7:::\r\n"
		    "admin::19000:1:90:14:30:20500:\n",
		    "%s/etc/shadow:1: stray control character"),
		CASE("root:*:19000:0:99999:7:::\n"
		    "admin::19000:1:90:14:30:20500:\n"
		    "b\0b:!:19001:0:99999:7:::\n",
		    "%s/etc/shadow:3: stray control character"),
#undef CASE
	};

	open_standard(t, "");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nvr_error err = { "" };
		char *want = support_expand(cases[i].message, t->fx->dir);

		put_shadow_bytes(t, cases[i].text, cases[i].len);
		assert_rc(-EINVAL, do_set(t, "admin", ADMIN_NEW, &err), err);
		assert_string_equal(err.message, want);
		assert_file_is(t->shadow_path, cases[i].text, cases[i].len);
		assert_owner_mode(t->shadow_path, 0, SHADOW_GID, 0640);
		assert_etc_holds(t, ETC("passwd", "shadow"));
		free(want);
	}
}

static void
test_set_password_nok_unknown_account(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char *old;
	size_t old_len;

	open_standard(t, "");
	old = slurp(t->shadow_path, &old_len);
	assert_rc(-ENOENT, do_set(t, "ghost", ADMIN_NEW, &err), err);
	assert_string_equal(err.message, "no account ghost here");
	assert_rc(-ENOENT, do_set(t, "", ADMIN_NEW, &err), err);
	assert_rc(-ENOENT, do_set(t, "admin:", ADMIN_NEW, &err), err);
	/* Accounts that are not offered cannot be changed either. */
	assert_rc(-ENOENT, do_set(t, "root", ADMIN_NEW, &err), err);
	assert_rc(-ENOENT, do_set(t, "svc", ADMIN_NEW, &err), err);
	assert_rc(-ENOENT, do_set(t, "high", ADMIN_NEW, &err), err);
	assert_file_is(t->shadow_path, old, old_len);
	assert_etc_holds(t, ETC("passwd", "shadow"));
	free(old);
}

static void
test_set_password_nok_too_long(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char pw[600], *old;
	size_t old_len;

	open_standard(t, "  hash: sha512\n");
	old = slurp(t->shadow_path, &old_len);
	memset(pw, 'z', sizeof(pw));
	pw[513] = '\0';
	assert_rc(-EINVAL, do_set(t, "admin", pw, &err), err);
	assert_string_equal(err.message, "the password is longer than 511 "
	    "bytes");
	/* 512 bytes is beyond libxcrypt's limit (511) too, and says so. */
	pw[512] = '\0';
	assert_rc(-EINVAL, do_set(t, "admin", pw, &err), err);
	assert_string_equal(err.message, "the password is longer than 511 "
	    "bytes");
	assert_file_is(t->shadow_path, old, old_len);
	assert_etc_holds(t, ETC("passwd", "shadow"));
	/* 511 bytes is the longest that works. */
	pw[511] = '\0';
	assert_rc(0, do_set(t, "admin", pw, &err), err);
	assert_rc(0, do_verify(t, "admin", pw, &err), err);
	free(old);
}

/* passwd(1) (lckpwdf) holds etc/.pwd.lock: busy after the timeout. */
static void
test_set_password_nok_pwd_lock_held(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	struct timespec start;
	char *old;
	size_t old_len;
	double waited;

	open_standard(t, "  hash: sha512\n");
	old = slurp(t->shadow_path, &old_len);
	start_holder(t, true);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &start), 0);
	assert_rc(-EBUSY, do_set(t, "admin", ADMIN_NEW, &err), err);
	waited = support_ms_since(&start);
	assert_true(waited >= LOCK_TIMEOUT_MS);
	assert_non_null(strstr(err.message, t->pwd_lock_path));
	assert_file_is(t->shadow_path, old, old_len);
	assert_etc_holds(t, ETC("passwd", "shadow", ".pwd.lock"));
	assert_rc(0, do_verify(t, "admin", ADMIN_OLD, &err), err);
	/* Once passwd is done, the change goes through. */
	release_holder(t);
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_rc(0, do_verify(t, "admin", ADMIN_NEW, &err), err);
	free(old);
}

/* shadow-utils' etc/shadow.lock naming a live process: busy, and the
 * lock is left as it was. */
static void
test_set_password_nok_shadow_lock_live(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char pid_text[24], *old;
	size_t old_len;

	open_standard(t, "  hash: sha512\n");
	old = slurp(t->shadow_path, &old_len);
	start_holder(t, false);
	snprintf(pid_text, sizeof(pid_text), "%ld", (long)t->holder);
	support_write_file(t->link_lock_path, pid_text, strlen(pid_text),
	    0600);
	assert_rc(-EBUSY, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_non_null(strstr(err.message, pid_text));
	assert_file_is(t->link_lock_path, pid_text, strlen(pid_text));
	assert_file_is(t->shadow_path, old, old_len);
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow.lock",
	    ".pwd.lock"));
	/* A lock file with no pid in it is busy too: never guessed at. */
	support_write_file(t->link_lock_path, "", 0, 0600);
	assert_rc(-EBUSY, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_file_is(t->link_lock_path, "", 0);
	assert_file_is(t->shadow_path, old, old_len);
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow.lock",
	    ".pwd.lock"));
	/* The fcntl lock was let go: with shadow.lock gone it works. */
	assert_int_equal(unlink(t->link_lock_path), 0);
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	free(old);
}

/* A shadow.lock left by a process that no longer exists is taken over,
 * and removed after the change. */
static void
test_set_password_ok_stale_shadow_lock(void **state)
{
	struct shadow_fx *t = *state;
	struct nvr_error err = { "" };
	char pid_text[24], hash[CRYPT_OUTPUT_SIZE], *old;
	size_t old_len;
	long day0;

	open_standard(t, "  hash: sha512\n");
	old = slurp(t->shadow_path, &old_len);
	snprintf(pid_text, sizeof(pid_text), "%ld", (long)dead_pid());
	support_write_file(t->link_lock_path, pid_text, strlen(pid_text),
	    0600);
	day0 = today();
	assert_rc(0, do_set(t, "admin", ADMIN_NEW, &err), err);
	assert_changed(t, old, old_len, "admin", "$6$", day0, today(), hash);
	assert_etc_holds(t, ETC("passwd", "shadow", "shadow-", ".pwd.lock"));
	assert_rc(0, do_verify(t, "admin", ADMIN_NEW, &err), err);
	free(old);
}

int
main(void)
{
#define T(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_ok),
		T(test_open_ok_root_trailing_slash),
		T(test_open_ok_hash_cost_bounds),
		T(test_open_nok_missing_shadow),
		T(test_open_nok_missing_passwd),
		T(test_open_nok_shadow_eight_fields),
		T(test_open_nok_shadow_ten_fields),
		T(test_open_nok_shadow_stray_cr),
		T(test_open_nok_shadow_nul),
		T(test_open_nok_shadow_empty_name),
		T(test_open_nok_shadow_blank_line),
		T(test_open_nok_passwd_six_fields),
		T(test_open_nok_hash_cost_yescrypt),
		T(test_open_nok_hash_cost_sha512),
		T(test_open_nok_hash_cost_bcrypt),
		T(test_open_nok_unknown_hash),
		T(test_list_ok_admin_first),
		T(test_list_ok_admin_root_uid_0),
		T(test_list_ok_admin_last),
		T(test_list_ok_admin_first_when_truncated),
		T(test_list_ok_range_bounds),
		T(test_list_ok_range_bounds_beyond_32_bits),
		T(test_list_ok_default_password),
		T(test_open_nok_default_passwords_not_a_list),
		T(test_verify_ok_admin_after_many_accounts),
		T(test_list_ok_no_shadow_line),
		T(test_list_ok_admin_without_shadow_line),
		T(test_list_ok_password_states),
		T(test_list_ok_names_looked_up_whole),
		T(test_list_ok_rereads),
		T(test_list_nok_corrupt_after_open),
		T(test_verify_ok_fixture_hash),
		T(test_verify_ok_openssl_sha512),
		T(test_verify_ok_mkpasswd_yescrypt),
		T(test_verify_ok_mkpasswd_bcrypt),
		T(test_verify_ok_time_yescrypt_default),
		T(test_verify_ok_time_sha512_default),
		T(test_verify_nok_wrong_password),
		T(test_verify_nok_unknown_account),
		T(test_verify_nok_unknown_account_costs_as_real),
		T(test_verify_nok_locked),
		T(test_verify_nok_empty),
		T(test_verify_nok_too_long),
		T(test_verify_nok_outside_range),
		T(test_verify_nok_corrupt_after_open),
		T(test_set_password_ok_yescrypt_default),
		T(test_set_password_ok_yescrypt_named),
		T(test_set_password_ok_sha512),
		T(test_set_password_ok_sha512_rounds),
		T(test_set_password_ok_bcrypt),
		T(test_set_password_ok_bcrypt_cost),
		T(test_set_password_ok_empty_admin),
		T(test_set_password_ok_last_line_without_newline),
		T(test_set_password_ok_twice),
		T(test_set_password_ok_stale_shadow_lock),
		T(test_set_password_ok_stale_temp_and_backup),
		T(test_set_password_ok_keeps_mode_0000),
		T(test_set_password_ok_pwck),
		T(test_set_password_nok_corrupt),
		T(test_set_password_nok_unknown_account),
		T(test_set_password_nok_too_long),
		T(test_set_password_nok_pwd_lock_held),
		T(test_set_password_nok_shadow_lock_live),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
