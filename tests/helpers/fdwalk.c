/* Escape-suite helper: a container process with CAP_SYS_PTRACE looks for
 * the host through another process of its pid namespace.  Usage:
 *   fdwalk HOSTDIR PID...      walk these processes
 *   fdwalk --stopped HOSTDIR   wait (10 s at most) for a stopped process,
 *                              walk it, then SIGCONT it
 * For each of /proc/PID/root, /proc/PID/cwd and /proc/PID/fd/N it tries,
 * through the link: "../../.." up to the host's root and then to create
 * HOSTDIR/pwned-*, the same into /proc/sys/kernel/core_pattern (opened for
 * writing and closed at once: never written), /proc's own
 * sys/kernel/core_pattern and 1/root/HOSTDIR (when the link is a procfs),
 * and setns() into the link when it is a namespace other than ours.  Prints
 * "ESCAPED: ..." for each success, and "walked PID: N links". */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define UP "/../../../../../../../../../../../../../../../.."

static const char *hostdir;
static int escaped;

static void try_create(const char *base, const char *via, const char *tag)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s/pwned-%s", base, via, hostdir, tag);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd >= 0) {
		printf("ESCAPED: created %s\n", path);
		escaped++;
		close(fd);
	}
}

static void try_core_pattern(const char *base, const char *via)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s", base, via);
	/* O_WRONLY without O_TRUNC; closed without a write */
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		printf("ESCAPED: opened %s for writing\n", path);
		escaped++;
		close(fd);
	}
}

static void try_setns(const char *base)
{
	int fd = open(base, O_RDONLY);
	if (fd < 0)
		return;
	int type = ioctl(fd, NS_GET_NSTYPE);
	struct stat theirs, ours;
	static const struct { int type; const char *name; } names[] = {
		{ CLONE_NEWNS, "mnt" }, { CLONE_NEWPID, "pid" }, { CLONE_NEWUSER, "user" },
		{ CLONE_NEWNET, "net" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWUTS, "uts" },
		{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" } };
	const char *name = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			name = names[i].name;
	char own[64];
	snprintf(own, sizeof(own), "/proc/self/ns/%s", name ? name : "?");
	if (type < 0 || !name || fstat(fd, &theirs) < 0 || stat(own, &ours) < 0 ||
	    theirs.st_ino == ours.st_ino) {
		close(fd);
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(setns(fd, 0) == 0 ? 0 : 1);
	int st = 1;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("ESCAPED: joined the %s namespace of %s\n", name, base);
		escaped++;
	}
	close(fd);
}

static void walk_link(const char *base, const char *tag)
{
	char target[4096] = "";
	ssize_t n = readlink(base, target, sizeof(target) - 1);
	if (n > 0)
		target[n] = '\0';
	printf("%s -> %s\n", base, target);
	try_create(base, UP, tag);
	try_core_pattern(base, UP "/proc/sys/kernel/core_pattern");
	try_core_pattern(base, "/sys/kernel/core_pattern");
	try_create(base, "/1/root", tag);
	try_setns(base);
}

static void walk(int pid)
{
	char base[512], tag[320];
	int links = 0;
	static const char *const fixed[] = { "root", "cwd" };
	for (size_t i = 0; i < 2; i++) {
		snprintf(base, sizeof(base), "/proc/%d/%s", pid, fixed[i]);
		snprintf(tag, sizeof(tag), "%d-%s", pid, fixed[i]);
		walk_link(base, tag);
		links++;
	}
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	DIR *d = opendir(dir);
	if (!d)
		printf("cannot list %s: %s\n", dir, strerrorname_np(errno));
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(base, sizeof(base), "%s/%s", dir, e->d_name);
		snprintf(tag, sizeof(tag), "%d-fd%s", pid, e->d_name);
		walk_link(base, tag);
		links++;
	}
	if (d)
		closedir(d);
	printf("walked %d: %d links\n", pid, links);
}

static int stopped_process(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;
	while (d && !found && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		char path[64], buf[512] = "";
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'T')
				found = pid;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--stopped") == 0) {
		hostdir = argv[2];
		int pid = 0;
		for (int i = 0; i < 2000 && !(pid = stopped_process()); i++)
			usleep(5000);
		if (!pid) {
			printf("no stopped process appeared\n");
			return 2;
		}
		char path[64], exe[256] = "";
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		ssize_t n = readlink(path, exe, sizeof(exe) - 1);
		printf("stopped: %d (%s)\n", pid, n > 0 ? (exe[n] = '\0', exe) : strerrorname_np(errno));
		walk(pid);
		kill(pid, SIGCONT);
		return escaped ? 1 : 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: fdwalk HOSTDIR PID... | fdwalk --stopped HOSTDIR\n");
		return 2;
	}
	hostdir = argv[1];
	for (int i = 2; i < argc; i++)
		walk(atoi(argv[i]));
	return escaped ? 1 : 0;
}
