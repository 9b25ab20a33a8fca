/* command.c: running a program the config names (command.h). */
#include "common/command.h"

#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

int
command_run(const char *const *argv, void (*spawned)(void),
    struct nvr_error *err)
{
	static char *const envp[] = {
		(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL,
	};
	pid_t pid;
	int status, rc;

	rc = posix_spawn(&pid, argv[0], NULL, NULL, (char *const *)argv,
	    envp);
	if (rc != 0)
		return nvr_error_set(err, -rc, "cannot run %s: %s", argv[0],
		    strerror(rc));
	if (spawned != NULL)
		spawned();
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nvr_error_set(err, -errno, "cannot wait for %s: "
			    "%s", argv[0], strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return nvr_error_set(err, -EIO, "%s exited with status %d",
		    argv[0], WEXITSTATUS(status));
	return nvr_error_set(err, -EIO, "%s was killed by signal %d",
	    argv[0], WTERMSIG(status));
}
