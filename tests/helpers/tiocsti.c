/* Escape-suite helper: try to push a line into the terminal on fd 0 (and
 * then 1, 2) with TIOCSTI, as an attacker inside the container would to
 * type commands into the caller's shell.  Prints one line per fd:
 * "fd N: ok" or "fd N: EPERM" etc.  Built statically by escapes.sh. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *line = argc > 1 ? argv[1] : "echo INJECTED\n";
	for (int fd = 0; fd < 3; fd++) {
		if (!isatty(fd)) {
			printf("fd %d: not a tty\n", fd);
			continue;
		}
		int err = 0;
		for (const char *p = line; *p; p++)
			if (ioctl(fd, TIOCSTI, p) < 0) {
				err = errno;
				break;
			}
		printf("fd %d: %s\n", fd, err ? strerrorname_np(err) : "ok");
	}
	return 0;
}
