/* Test helper for tests/integration/cgroups.sh (built with gcc -static and
 * copied into the container): busybox cannot allocate memory on purpose,
 * count the forks a pids limit lets through, or name an open's errno.
 *
 *   cgtool alloc MB        allocate and touch MB MiB, 1 MiB at a time; prints
 *                          "allocated N" as it goes (OOM kill expected)
 *   cgtool forks N         fork up to N children that wait; prints
 *                          "forked K" and "fork: ERRNO" if one failed
 *   cgtool open PATH MODE  open PATH (MODE r or w); prints "ok" or the errno name */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "alloc") == 0) {
		long mb = atol(argv[2]);
		for (long i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);
			if (!p) {
				printf("malloc failed after %ld\n", i);
				return 1;
			}
			memset(p, 0x5a, 1 << 20);
			if (i % 16 == 15) {
				printf("allocated %ld\n", i + 1);
				fflush(stdout);
			}
		}
		printf("allocated all %ld\n", mb);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "forks") == 0) {
		long n = atol(argv[2]), k;
		int pipefd[2];
		if (pipe(pipefd) < 0)
			return 1;
		for (k = 0; k < n; k++) {
			pid_t pid = fork();
			if (pid < 0) {
				printf("fork: %s\n", errname(errno));
				break;
			}
			if (pid == 0) {
				char c;
				close(pipefd[1]);
				(void)!read(pipefd[0], &c, 1); /* until the parent is done */
				_exit(0);
			}
		}
		printf("forked %ld\n", k);
		fflush(stdout);
		close(pipefd[1]);
		while (wait(NULL) > 0)
			;
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "open") == 0) {
		int fd = open(argv[2], argv[3][0] == 'w' ? O_WRONLY : O_RDONLY);
		if (fd < 0) {
			printf("%s\n", errname(errno));
			return 1;
		}
		printf("ok\n");
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: cgtool alloc MB | forks N | open PATH r|w\n");
	return 2;
}
