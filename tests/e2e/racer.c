/*
 * racer.c: the factory reset against someone who owns a folder inside
 * reset.allowed (the NVR software's account) and swaps folders and
 * parents for symlinks while a root-run reset works there.
 *
 *   racer [--uid UID] [--runs N] [--seconds S] DIR -- COMMAND...
 *
 * Makes DIR/allowed (root's, 0755) with DIR/allowed/data in it (UID's),
 * DIR/outside (what must never change) and DIR/config.yaml; COMMAND
 * (with @CONFIG@ standing for that config) is the wizard's --resume.
 * Each run rebuilds the data folder, writes a journal of four steps
 * whose targets have twins in DIR/outside (mkdir data/a/new, remove
 * data/b/tree, truncate data/c/file, restore data/d/conf), lets a child
 * running as UID swap data/X, or data/X's target, for a link into
 * DIR/outside in a loop, and runs COMMAND. After at most N runs or S
 * seconds it compares DIR/outside, names, types, owners, modes and
 * contents, with how it began, and prints
 *
 *   racer: R runs (F finished, L stopped by a link), T swaps: outside unchanged
 *
 * exiting 0; 1 if anything outside changed (which it names), if a run
 * without the race does not reset the data folder, or if no run met a
 * link (the race proved nothing) or none finished. A run meets a link
 * when the wizard refuses what the link put in a step's way: the link
 * itself (openat2), a parent that is not a folder (the component walk,
 * whose O_NOFOLLOW | O_DIRECTORY says ENOTDIR for a link), a target
 * that is not a regular file, or a name that already exists.
 *
 * On a loaded machine the swapping child may get little time (a CI run
 * once saw 6,000 swaps in 6 s and no run meet a link, against 100,000
 * on an idle one): past S seconds, the runs go on until one has met a
 * link and one has finished, for at most 4 x S seconds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static uid_t racer_uid;

/* Shared with the swapping child. */
struct shared {
	volatile int go;	/* 1: swap; 0: put things back and wait */
	volatile int idle;	/* the child has put things back */
	volatile long swaps;
};
static struct shared *shared;

static void
die(const char *what)
{
	fprintf(stderr, "racer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static const char *
at(const char *rel)
{
	static char bufs[8][PATH_MAX];
	static unsigned next;
	char *buf = bufs[next++ % 8];

	snprintf(buf, PATH_MAX, "%s/%s", dir, rel);
	return buf;
}

static void
put(const char *rel, const char *text, mode_t mode, uid_t uid)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    mode);

	if (fd < 0 || write(fd, text, strlen(text)) < 0 ||
	    fchmod(fd, mode) != 0 || fchown(fd, uid, uid) != 0 ||
	    close(fd) != 0)
		die(rel);
}

static void
folder(const char *rel, mode_t mode, uid_t uid)
{
	if (mkdir(at(rel), mode) != 0 || chmod(at(rel), mode) != 0 ||
	    chown(at(rel), uid, uid) != 0)
		die(rel);
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

static void
rm_rf(const char *rel)
{
	struct stat st;

	if (lstat(at(rel), &st) == 0 &&
	    nftw(at(rel), remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		die(rel);
}

/* One line per entry below REL: kind, owner, mode, name, contents. */
static void
manifest(const char *rel, FILE *out)
{
	struct dirent **names;
	int n = scandir(at(rel), &names, NULL, alphasort);

	if (n < 0)
		die(rel);
	for (int i = 0; i < n; i++) {
		char sub[PATH_MAX / 2], body[256] = "";
		struct stat st;

		if (strcmp(names[i]->d_name, ".") == 0 ||
		    strcmp(names[i]->d_name, "..") == 0) {
			free(names[i]);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]->d_name);
		free(names[i]);
		if (lstat(at(sub), &st) != 0)
			die(sub);
		if (S_ISREG(st.st_mode)) {
			int fd = open(at(sub), O_RDONLY);
			ssize_t got = fd < 0 ? -1 : read(fd, body,
			    sizeof(body) - 1);

			body[got > 0 ? got : 0] = '\0';
			if (fd >= 0)
				close(fd);
		}
		fprintf(out, "%c %lu %04o %s [%s]\n", S_ISDIR(st.st_mode) ?
		    'd' : S_ISREG(st.st_mode) ? 'f' : '?',
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777),
		    sub, body);
		if (S_ISDIR(st.st_mode))
			manifest(sub, out);
	}
	free(names);
}

static char *
outside_manifest(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (out == NULL)
		die("memstream");
	manifest("outside", out);
	fclose(out);
	return text;
}

/* What must never change: a twin of each step's target. */
static void
make_outside(void)
{
	folder("outside", 0755, 0);
	folder("outside/new", 0755, 0);
	put("outside/new/inside", "inside new", 0644, 0);
	folder("outside/tree", 0755, 0);
	put("outside/tree/x", "x", 0644, 0);
	put("outside/file", "root:secret-hash:1:0:::::\n", 0640, 0);
	put("outside/conf", "outside conf", 0600, 0);
}

/* The data folder as the NVR software left it, all UID's. */
static void
make_data(void)
{
	static const char *const folders[] = { "a", "a/new", "b", "b/tree",
		"b/tree/y", "c", "d" };

	rm_rf("allowed/data");
	folder("allowed/data", 0755, racer_uid);
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "allowed/data/%s", folders[i]);
		folder(rel, 0755, racer_uid);
	}
	put("allowed/data/a/new/junk", "junk", 0644, racer_uid);
	put("allowed/data/b/tree/y/z", "z", 0644, racer_uid);
	put("allowed/data/c/file", "events", 0644, racer_uid);
	put("allowed/data/d/conf", "changed", 0644, racer_uid);
}

static void
write_journal(void)
{
	char text[4096];

	snprintf(text, sizeof(text), "# nvr-recovery reset journal 1\n"
	    "allow\t%s/allowed\n"
	    "step\tmkdir\tnew\t%s/allowed/data/a/new\t0700\n"
	    "step\tremove\ttree\t%s/allowed/data/b/tree\n"
	    "step\ttruncate\tfile\t%s/allowed/data/c/file\n"
	    "step\trestore\tconf\t%s/allowed/data/d/conf\t"
	    "%s/allowed/factory/conf\n", dir, dir, dir, dir, dir, dir);
	put("state/reset-journal", text, 0600, 0);
}

static void
write_config(void)
{
	char text[2048];

	snprintf(text, sizeof(text), "device:\n  backend: static\n"
	    "  model: RACE\n  serial: RACE-0001\n  firmware: '1'\n"
	    "state_dir: %s/state\nreset:\n  allowed: [%s/allowed]\n"
	    "  steps:\n    - remove: %s/allowed/unused\n", dir, dir, dir);
	put("config.yaml", text, 0600, 0);
}

/* What the child swaps: data/X for a link to outside, or the target in
 * data/X for a link to its twin. */
static const char *const parents[] = { "a", "b", "c", "d" };
static const char *const targets[] = { "a/new", "b/tree", "c/file",
	"d/conf" };
static const char *const twins[] = { "new", "tree", "file", "conf" };

static void
spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

/* Swaps one thing for a link, waits a little, and puts it back. */
static void
swap_once(unsigned r)
{
	int k = (int)(r % 4);
	bool parent = (r / 4) % 2 == 0;
	char real[PATH_MAX + 8], name[PATH_MAX], link_to[PATH_MAX + 8];

	snprintf(name, sizeof(name), "%s/%s", at("allowed/data"),
	    parent ? parents[k] : targets[k]);
	snprintf(real, sizeof(real), "%s.real", name);
	snprintf(link_to, sizeof(link_to), "%s%s%s", at("outside"),
	    parent ? "" : "/", parent ? "" : twins[k]);
	if (rename(name, real) != 0)
		return;
	if (symlink(link_to, name) == 0) {
		shared->swaps++;
		spin((r >> 3) % 20000);
		unlink(name);
	}
	rename(real, name);
}

static void
racer_child(void)
{
	unsigned r = (unsigned)getpid();

	if (racer_uid != 0 && (setgid(racer_uid) != 0 ||
	    setuid(racer_uid) != 0))
		die("setuid");
	for (;;) {
		if (!shared->go) {
			shared->idle = 1;
			while (!shared->go)
				sched_yield();
			shared->idle = 0;
		}
		r = r * 1103515245u + 12345u;
		swap_once(r >> 8);
		spin((r >> 4) % 3000);
	}
}

/* What the wizard says when a step meets one of the child's links. */
static const char *const link_words[] = {
	"symbolic link", "is not a folder", "is not a regular file",
	"File exists",
};

/* Runs ARGV; its exit status. *MET_LINK says whether what it said on
 * standard error was a step stopped by one of the child's links. */
static int
run_command(char **argv, bool *met_link)
{
	char said[4096];
	ssize_t n;
	int status, out = open(at("said"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	pid_t pid;

	if (out < 0)
		die("said");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	n = pread(out, said, sizeof(said) - 1, 0);
	said[n > 0 ? n : 0] = '\0';
	close(out);
	*met_link = false;
	for (size_t i = 0; i < sizeof(link_words) / sizeof(link_words[0]); i++)
		if (strstr(said, link_words[i]) != NULL)
			*met_link = true;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status);
}

/* Whether the data folder is as an uninterrupted reset leaves it. */
static bool
data_is_reset(void)
{
	struct stat st;
	char conf[64] = "";
	int fd = open(at("allowed/data/d/conf"), O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, conf, sizeof(conf) - 1);

	if (fd >= 0)
		close(fd);
	conf[n > 0 ? n : 0] = '\0';
	return lstat(at("allowed/data/a/new"), &st) == 0 &&
	    S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700 &&
	    lstat(at("allowed/data/a/new/junk"), &st) != 0 &&
	    lstat(at("allowed/data/b/tree"), &st) != 0 &&
	    lstat(at("allowed/data/c/file"), &st) == 0 && st.st_size == 0 &&
	    strcmp(conf, "factory conf") == 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int
main(int argc, char **argv)
{
	long runs = 1000, finished = 0, linked = 0, other = 0, done = 0;
	double seconds = 10;
	struct timespec t0;
	char *before, *after, config[PATH_MAX];
	bool met_link;
	pid_t child;
	int i = 1;

	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--uid") == 0 && i + 1 < argc)
			racer_uid = (uid_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atol(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else
			snprintf(dir, sizeof(dir), "%s", argv[i]);
	}
	if (dir[0] != '/' || i + 1 >= argc) {
		fprintf(stderr, "usage: racer [--uid UID] [--runs N] "
		    "[--seconds S] /DIR -- COMMAND...\n");
		return 2;
	}
	argv += i + 1;
	snprintf(config, sizeof(config), "%s", at("config.yaml"));
	for (char **a = argv; *a != NULL; a++)
		if (strcmp(*a, "@CONFIG@") == 0)
			*a = config;

	if (chmod(dir, 0755) != 0)
		die(dir);
	folder("allowed", 0755, 0);
	folder("allowed/factory", 0755, 0);
	put("allowed/factory/conf", "factory conf", 0644, 0);
	folder("state", 0700, 0);
	make_outside();
	write_config();
	before = outside_manifest();

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		die("mmap");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0)
		racer_child();

	/* First without the race: the command does reset the data. */
	while (!shared->idle)
		sched_yield();
	make_data();
	write_journal();
	if (run_command(argv, &met_link) != 0 || !data_is_reset()) {
		printf("racer: without the race, the reset did not reset the "
		    "data folder\n");
		kill(child, SIGKILL);
		return 1;
	}
	unlink(at("state/reset-journal"));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (; done < runs; done++) {
		double spent = seconds_since(&t0);
		int rc;

		if (spent >= 4 * seconds || (spent >= seconds && linked > 0 &&
		    finished > 0))
			break;
		while (!shared->idle)
			sched_yield();
		make_data();
		write_journal();
		shared->go = 1;
		rc = run_command(argv, &met_link);
		shared->go = 0;
		if (rc == 0)
			finished++;
		else if (met_link)
			linked++;	/* a step met a link and stopped */
		else
			other++;	/* a folder renamed away, say */
		while (!shared->idle)
			sched_yield();
		unlink(at("state/reset-journal"));
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	after = outside_manifest();
	printf("racer: %ld runs (%ld finished, %ld stopped by a link, %ld "
	    "other), %ld swaps as uid %lu in %.1f s: ", done, finished,
	    linked, other, shared->swaps, (unsigned long)racer_uid,
	    seconds_since(&t0));
	if (strcmp(before, after) != 0) {
		printf("OUTSIDE CHANGED\n--- before\n%s--- after\n%s", before,
		    after);
		return 1;
	}
	if (linked == 0 || finished == 0) {
		printf("outside unchanged, but the race proved nothing\n");
		return 1;
	}
	printf("outside unchanged\n");
	return 0;
}
