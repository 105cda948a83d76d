/* Test helper: print CLOCK_MONOTONIC and CLOCK_BOOTTIME in whole seconds,
 * "monotonic N" and "boottime N", to see a time namespace's offsets. */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec m, b;
	if (clock_gettime(CLOCK_MONOTONIC, &m) < 0 || clock_gettime(CLOCK_BOOTTIME, &b) < 0) {
		perror("clock_gettime");
		return 1;
	}
	printf("monotonic %lld\nboottime %lld\n", (long long)m.tv_sec, (long long)b.tv_sec);
	return 0;
}
