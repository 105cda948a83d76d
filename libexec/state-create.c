/* An error that happens in the container's PID 1 after `nsrun create`
 * returned (nobody listens on the sync socket any more) must not be lost:
 * `nsrun start` creates the file "error" in the container's state
 * directory and hands it, open for writing, to PID 1 over the exec socket;
 * PID 1 writes its error there if it fails before the program runs, and
 * `start` and `state` report it.  The fd is close-on-exec: the program
 * never has it. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "exec-internal.h"
#include "state.h"

int state_send_error_file(int sock, int dirfd)
{
	_cleanup_close_ int fd = openat(dirfd, STATE_LATE_ERROR,
					O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	char byte = 'e';
	return send_with_fd(sock, &byte, 1, fd) == 1 ? 0 : -1; /* sync.c */
}

int state_recv_byte(int conn, int *fd)
{
	char byte;
	ssize_t n = recv_with_fd(conn, &byte, 1, fd); /* sync.c */
	return n < 0 ? -1 : (int)n;
}

int state_recv_error_file(int conn)
{
	int fd;
	state_recv_byte(conn, &fd);
	return fd;
}

char *state_read_late_error(int dirfd)
{
	_cleanup_close_ int fd = openat(dirfd, STATE_LATE_ERROR, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	const char *msg = strncmp(buf, "nsrun: ", 7) == 0 ? buf + 7 : buf;
	return *msg ? xstrdup(msg) : NULL;
}
