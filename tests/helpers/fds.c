/* Test helper: print the fds this process holds, sorted, space-separated
 * (without the one used to read /proc/self/fd).  Run as the container's
 * program, it shows what nsrun let through exec. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("/proc/self/fd");
		return 1;
	}
	int fds[1024], n = 0;
	for (struct dirent *e; (e = readdir(d)) && n < 1024;) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, (size_t)n, sizeof(int), cmp);
	for (int i = 0; i < n; i++)
		printf("%d ", fds[i]);
	putchar('\n');
	return 0;
}
