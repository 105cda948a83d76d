/* Test helper: print what the kernel gave this process after execve, one
 * "Key: value" line each: uid/euid/gid/egid and the Cap*, NoNewPrivs and
 * Groups lines of /proc/self/status.  Tests copy it into a rootfs as a
 * set-uid root binary or with file capabilities and compare.  Static. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	printf("ruid: %d\neuid: %d\nrgid: %d\negid: %d\n", (int)getuid(), (int)geteuid(),
	       (int)getgid(), (int)getegid());
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		perror("/proc/self/status");
		return 1;
	}
	char line[512];
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs:", 11) == 0 ||
		    strncmp(line, "Groups:", 7) == 0)
			fputs(line, stdout);
	fclose(f);
	return 0;
}
