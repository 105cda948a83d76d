/* timeit: run a command (or a sequence of commands) and time it, for bench/run.
 *
 * Usage: timeit [-o FILE] [-l LOG] [-r COUNT] [-j PAR] [-U PATH] [-i]
 *               -- CMD [ARG...] [--- CMD [ARG...]]...
 *
 * One "job" is the list of commands separated by "---", run one after the
 * other; each must exit 0.  COUNT jobs are run (-r, default 1), at most PAR
 * at a time (-j, default 1).  The clock (CLOCK_MONOTONIC) starts before the
 * first fork and stops when every descendant has been reaped: timeit makes
 * itself a child subreaper, so processes that a runtime leaves behind (a
 * detached container's init, say) are waited for too.
 *
 * "{}" in an argument is replaced by an id unique to the job (for container
 * names).  -U PATH: in each child, before exec, unshare the mount namespace,
 * make it private and detach PATH (used to hide cgroup2 from crun 1.8.1,
 * which refuses this host's hybrid layout; cheaper than the equivalent
 * `unshare -m sh -c 'umount PATH; exec ...'`).  -i: ignore a command's exit
 * status (never used for a measurement, only for cleanup).
 *
 * Prints (and appends to FILE with -o) one line:
 *   WALL_NS MAXRSS_KB CPU_NS
 * where MAXRSS_KB is the largest peak RSS of any reaped descendant
 * (getrusage RUSAGE_CHILDREN) and CPU_NS their user+system time.
 * Commands get stdin from /dev/null and stdout/stderr to LOG (-l, default
 * /dev/null).  Exits 1, loudly, if any command fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS 8

struct job {
	pid_t pid;	/* running step's pid, 0 when idle */
	int step;
	int id;
};

static char **steps[MAX_STEPS];
static int nsteps;
static const char *unmount_path;
static const char *log_path = "/dev/null";
static int ignore_status;

static void die(const char *what)
{
	fprintf(stderr, "timeit: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

static void print_cmd(FILE *f, char **argv)
{
	for (; *argv; argv++)
		fprintf(f, " %s", *argv);
}

/* Build argv for one step of job `id`, replacing "{}" by a unique name. */
static char **make_argv(char **tmpl, int id)
{
	int n = 0;
	while (tmpl[n])
		n++;
	char **argv = calloc((size_t)n + 1, sizeof(*argv));
	if (!argv)
		die("calloc");
	for (int i = 0; i < n; i++) {
		const char *p = strstr(tmpl[i], "{}");
		if (!p) {
			argv[i] = tmpl[i];
			continue;
		}
		size_t len = strlen(tmpl[i]) + 32;
		argv[i] = malloc(len);
		if (!argv[i])
			die("malloc");
		snprintf(argv[i], len, "%.*sb%ld-%d%s", (int)(p - tmpl[i]), tmpl[i],
			 (long)getpid(), id, p + 2);
	}
	return argv;
}

static pid_t spawn(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0)
		return pid;
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	if (unmount_path) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    umount2(unmount_path, MNT_DETACH) < 0) {
			dprintf(2, "timeit: hiding %s: %s\n", unmount_path, strerror(errno));
			_exit(126);
		}
	}
	execvp(argv[0], argv);
	dprintf(2, "timeit: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void start_step(struct job *j)
{
	char **argv = make_argv(steps[j->step], j->id);
	j->pid = spawn(argv);
	for (int i = 0; argv[i]; i++)
		if (argv[i] != steps[j->step][i])
			free(argv[i]);
	free(argv);
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	long count = 1, par = 1;
	int opt;

	while ((opt = getopt(argc, argv, "+o:l:r:j:U:i")) != -1) {
		switch (opt) {
		case 'o': out_path = optarg; break;
		case 'l': log_path = optarg; break;
		case 'r': count = strtol(optarg, NULL, 10); break;
		case 'j': par = strtol(optarg, NULL, 10); break;
		case 'U': unmount_path = optarg; break;
		case 'i': ignore_status = 1; break;
		default:
			fprintf(stderr, "usage: timeit [-o FILE] [-l LOG] [-r COUNT] [-j PAR] [-U PATH] [-i] -- CMD... [--- CMD...]...\n");
			return 2;
		}
	}
	if (optind >= argc || count < 1 || par < 1) {
		fprintf(stderr, "timeit: no command (or bad -r/-j)\n");
		return 2;
	}
	/* Split the remaining arguments on "---" into steps. */
	steps[nsteps++] = &argv[optind];
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "---") == 0) {
			argv[i] = NULL;
			if (nsteps == MAX_STEPS || i + 1 >= argc) {
				fprintf(stderr, "timeit: bad command list\n");
				return 2;
			}
			steps[nsteps++] = &argv[i + 1];
		}
	}
	if (par > count)
		par = count;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER");

	struct job *jobs = calloc((size_t)par, sizeof(*jobs));
	if (!jobs)
		die("calloc");
	long started = 0, running = 0;

	uint64_t t0 = now_ns();
	for (long k = 0; k < par; k++, started++, running++) {
		jobs[k].id = (int)started;
		jobs[k].step = 0;
		start_step(&jobs[k]);
	}
	for (;;) {
		int status;
		pid_t pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die("wait");
		}
		struct job *j = NULL;
		for (long k = 0; k < par; k++)
			if (jobs[k].pid == pid)
				j = &jobs[k];
		if (!j)
			continue;	/* an orphan we adopted as subreaper */
		j->pid = 0;
		if (!ignore_status && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			fprintf(stderr, "timeit: FAILED (%s %d):", WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			print_cmd(stderr, steps[j->step]);
			fprintf(stderr, "\n");
			/* Let the others finish so nothing is left behind. */
			while (wait(NULL) > 0 || errno == EINTR)
				;
			return 1;
		}
		if (++j->step < nsteps) {
			start_step(j);
		} else if (started < count) {
			j->id = (int)started++;
			j->step = 0;
			start_step(j);
		} else {
			running--;
		}
	}
	uint64_t wall = now_ns() - t0;
	if (running != 0) {
		fprintf(stderr, "timeit: lost track of %ld jobs\n", running);
		return 1;
	}

	struct rusage ru;
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		die("getrusage");
	char line[128];
	snprintf(line, sizeof(line), "%llu %ld %llu\n", (unsigned long long)wall, ru.ru_maxrss,
		 (unsigned long long)(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime)));
	fputs(line, stdout);
	if (out_path) {
		FILE *f = fopen(out_path, "a");
		if (!f || fputs(line, f) < 0 || fclose(f) != 0)
			die(out_path);
	}
	return 0;
}
