/* announce.c: the button's state for the consoles (announce.h). */
#include "backends/button/announce.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic_file.h"

static const char *const words[] = {
	[BUTTON_ANNOUNCE_UP] = "up",
	[BUTTON_ANNOUNCE_HELD] = "held",
	[BUTTON_ANNOUNCE_PASSWORD] = "password",
	[BUTTON_ANNOUNCE_FACTORY] = "factory",
	[BUTTON_ANNOUNCE_TOO_LONG] = "too-long",
};

static const char *const lines[] = {
	[BUTTON_ANNOUNCE_HELD] = "Reset button held: keep holding to reset "
	    "the administrator password.",
	[BUTTON_ANNOUNCE_PASSWORD] = "Reset button held: let go now to reset "
	    "the administrator password.",
	[BUTTON_ANNOUNCE_FACTORY] = "Reset button held: let go now for a "
	    "FACTORY RESET.",
	[BUTTON_ANNOUNCE_TOO_LONG] = "Reset button held too long: letting go "
	    "now does nothing.",
};

#define COUNT (sizeof(words) / sizeof(words[0]))

int
button_announce_write(const char *state_dir, enum button_announce a,
    struct nvr_error *err)
{
	struct atomic_write_options options = { .uid = getuid(),
	    .gid = getgid(), .mode = 0600 };
	char *path;
	int rc;

	if (asprintf(&path, "%s/%s", state_dir, BUTTON_ANNOUNCE_NAME) < 0)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	if (a == BUTTON_ANNOUNCE_UP)
		rc = atomic_file_remove(path, NULL, err);
	else
		rc = atomic_file_replace(path, words[a], strlen(words[a]),
		    &options, err);
	free(path);
	return rc;
}

enum button_announce
button_announce_read(const char *state_dir)
{
	char path[4096], word[16];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", state_dir,
	    BUTTON_ANNOUNCE_NAME) >= (int)sizeof(path))
		return BUTTON_ANNOUNCE_UP;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return BUTTON_ANNOUNCE_UP;
	n = read(fd, word, sizeof(word) - 1);
	close(fd);
	if (n <= 0)
		return BUTTON_ANNOUNCE_UP;
	word[n] = '\0';
	for (size_t i = 1; i < COUNT; i++)
		if (strcmp(word, words[i]) == 0)
			return (enum button_announce)i;
	return BUTTON_ANNOUNCE_UP;
}

const char *
button_announce_line(enum button_announce a)
{
	return (size_t)a < COUNT ? lines[a] : NULL;
}
