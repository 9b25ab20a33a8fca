/*
 * syslog_recv.c: a syslog socket for end-to-end tests. Binds SOCKET (e.g.
 * /dev/log inside a private mount namespace), runs COMMAND, writes every
 * message it receives to OUTFILE, one per line, and when COMMAND has ended
 * reads what is still queued and exits with COMMAND's status. So a test
 * can print OUTFILE right after, with nothing lost and no sleep.
 *
 *   syslog-recv SOCKET OUTFILE -- COMMAND [ARGS...]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void
drain(int fd, FILE *out, int wait_ms)
{
	char buf[2048];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, wait_ms) > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n <= 0)
			break;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, status;
	FILE *out;
	pid_t pid;

	if (argc < 5 || strcmp(argv[3], "--") != 0 ||
	    strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: syslog-recv SOCKET OUTFILE -- "
		    "COMMAND [ARGS...]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		fprintf(stderr, "syslog-recv: %s: %s\n", argv[1],
		    strerror(errno));
		return 2;
	}
	out = fopen(argv[2], "a");
	if (out == NULL) {
		fprintf(stderr, "syslog-recv: %s: %s\n", argv[2],
		    strerror(errno));
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execvp(argv[4], argv + 4);
		fprintf(stderr, "syslog-recv: %s: %s\n", argv[4],
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0)
		drain(fd, out, 100);
	drain(fd, out, 0);
	fclose(out);
	unlink(argv[1]);
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}
