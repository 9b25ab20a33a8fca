/*
 * replay.c: runs a fuzz harness's LLVMFuzzerTestOneInput once on every
 * file of its corpus, without libFuzzer or clang, so that `make check`
 * replays the corpora with gcc, AddressSanitizer and UBSan.
 *
 *   replay [FOLDER|FILE...]
 *
 * With no argument it reads FUZZ_CORPUS, the folder it was built for
 * (relative to the top of the source tree, where tests/run-all runs).
 * Files are run in name order, each in a child process, and reported as
 * TAP, like the cmocka binaries under CMOCKA_MESSAGE_OUTPUT=TAP:
 * "ok N - FILE", or "not ok N - FILE" when the harness aborted, crashed
 * or a sanitizer stopped it (its report is on standard error). Exit
 * status: 0 if every file passed, 1 if not, 2 if a folder cannot be read
 * or holds no file.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_CORPUS
#error "build with -DFUZZ_CORPUS='\"tests/fuzz/corpus/NAME\"'"
#endif

#define INPUT_MAX (1024 * 1024)	/* libFuzzer's own default limit */

struct list {
	char **paths;
	size_t count, cap;
};

static void
add(struct list *l, const char *dir, const char *name)
{
	char *path;

	if (l->count == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->paths = realloc(l->paths, l->cap * sizeof(*l->paths));
		if (l->paths == NULL) {
			perror("replay");
			exit(2);
		}
	}
	if (asprintf(&path, "%s%s%s", dir, name[0] ? "/" : "", name) < 0) {
		perror("replay");
		exit(2);
	}
	l->paths[l->count++] = path;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds PATH, or the files in the folder PATH (not its dot files, not
 * its subfolders), in name order. Returns 0 or -1. */
static int
collect(struct list *l, const char *path)
{
	size_t first = l->count;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(l, path, "");
		return 0;
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char *full;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&full, "%s/%s", path, e->d_name) < 0) {
			closedir(d);
			return -1;
		}
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			add(l, path, e->d_name);
		free(full);
	}
	closedir(d);
	if (l->count == first) {
		fprintf(stderr, "replay: %s: no input files\n", path);
		return -1;
	}
	qsort(l->paths + first, l->count - first, sizeof(*l->paths), by_name);
	return 0;
}

/* Reads PATH whole into a buffer of exactly its size (as libFuzzer hands
 * inputs over); NULL if it cannot. */
static uint8_t *
slurp(const char *path, size_t *size)
{
	uint8_t *data = NULL;
	struct stat st;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size <= INPUT_MAX) {
		*size = (size_t)st.st_size;
		data = malloc(*size > 0 ? *size : 1);
		if (data != NULL && *size > 0 &&
		    fread(data, 1, *size, f) != *size) {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

/* Runs the harness on PATH in a child: 0 if it returned, else -1 with
 * WHY filled in. */
static int
run_one(const char *path, char *why, size_t why_size)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		size_t size = 0;
		uint8_t *data = slurp(path, &size);

		if (data == NULL) {
			fprintf(stderr, "replay: cannot read %s\n", path);
			_exit(3);
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		exit(0);	/* exit, not _exit: LeakSanitizer runs */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, why_size, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(why, why_size, "signal %d", WTERMSIG(status));
	else
		snprintf(why, why_size, "exit %d", WEXITSTATUS(status));
	return -1;
}

int
main(int argc, char **argv)
{
	struct list l = { NULL, 0, 0 };
	size_t failed = 0;
	char why[128];

	if (argc < 2) {
		if (collect(&l, FUZZ_CORPUS) != 0)
			return 2;
	}
	for (int i = 1; i < argc; i++)
		if (collect(&l, argv[i]) != 0)
			return 2;
	printf("1..%zu\n", l.count);
	for (size_t i = 0; i < l.count; i++) {
		if (run_one(l.paths[i], why, sizeof(why)) == 0) {
			printf("ok %zu - %s\n", i + 1, l.paths[i]);
		} else {
			printf("not ok %zu - %s (%s)\n", i + 1, l.paths[i], why);
			failed++;
		}
		free(l.paths[i]);
	}
	free(l.paths);
	fflush(stdout);
	return failed > 0 ? 1 : 0;
}
