/* The cgroups below a container's cgroup, at any depth.
 *
 * A container with a cgroup namespace and a writable hierarchy (boot mode)
 * makes them itself, so neither their number nor their depth is bounded:
 * the walks here hold two directory fds at a time and keep, per level, the
 * names of the subdirectories as read when the walk entered it.  They go
 * back up with "..", and check that it leads to the directory they came
 * from (cgroup directories move only within their parent). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroups.h"

struct level {
	char **names;             /* subdirectories, as read on entering */
	size_t n, next;
	dev_t dev;                /* the directory itself */
	ino_t ino;
};

struct walk {
	struct level *v;
	size_t depth, cap;        /* v[0] is the root of the walk */
};

/* Called after everything below `fd` was visited; `parent` holds it as
 * `name`.  A negative return is remembered, and the walk goes on. */
typedef int (*visit_fn)(int parent, const char *name, int fd, void *arg);

int64_t cgroup_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cgroup_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int level_enter(struct walk *w, int fd)
{
	if (w->depth == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	struct level *l = &w->v[w->depth];
	memset(l, 0, sizeof(*l));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		return -e;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		l->names = xrealloc(l->names, (l->n + 1) * sizeof(char *));
		l->names[l->n++] = xstrdup(e->d_name);
	}
	closedir(d);
	w->depth++;
	return 0;
}

static void level_leave(struct walk *w)
{
	struct level *l = &w->v[--w->depth];
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

/* Visit every directory below root, children before their parent (the
 * root itself is not visited).  0, or the first negative errno a visit or
 * the walk itself met. */
static int walk_below(int root, visit_fn visit, void *arg)
{
	struct walk w = { 0 };
	int visit_err = 0;
	int cur = fcntl(root, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	int r = level_enter(&w, cur);
	while (r == 0 && w.depth > 0) {
		struct level *l = &w.v[w.depth - 1];
		if (l->next < l->n) {
			const char *name = l->names[l->next++];
			int sub = openat(cur, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			struct stat st;
			if (sub < 0 || fstat(sub, &st) < 0 || st.st_dev != l->dev) {
				/* gone meanwhile, or another file system: not ours */
				if (sub >= 0)
					close(sub);
				continue;
			}
			r = level_enter(&w, sub);
			close(cur);
			cur = sub;
			continue;
		}
		if (w.depth == 1)
			break;
		/* back up to the parent, which must be the directory we left */
		const struct level *up = &w.v[w.depth - 2];
		int parent = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (parent < 0 || fstat(parent, &st) < 0 || st.st_dev != up->dev || st.st_ino != up->ino) {
			r = parent < 0 ? -errno : -ESTALE;
			if (parent >= 0)
				close(parent);
			break;
		}
		int v = visit(parent, up->names[up->next - 1], cur, arg);
		if (v < 0 && visit_err == 0)
			visit_err = v; /* remembered; the walk goes on */
		level_leave(&w);
		close(cur);
		cur = parent;
	}
	while (w.depth > 0)
		level_leave(&w);
	free(w.v);
	close(cur);
	return r < 0 ? r : visit_err;
}

/* ---- the processes ---- */

struct pid_list { pid_t **v; size_t *n; };

static void read_procs(int fd, struct pid_list *l)
{
	int pfd = openat(fd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	FILE *f = pfd >= 0 ? fdopen(pfd, "re") : NULL;
	if (!f) {
		if (pfd >= 0)
			close(pfd);
		return;
	}
	long pid;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 0) {
			*l->v = xrealloc(*l->v, (*l->n + 1) * sizeof(pid_t));
			(*l->v)[(*l->n)++] = (pid_t)pid;
		}
	fclose(f);
}

static int visit_procs(int parent, const char *name, int fd, void *arg)
{
	(void)parent;
	(void)name;
	read_procs(fd, arg);
	return 0;
}

void cgroup_tree_pids(int dirfd, pid_t **pids, size_t *n)
{
	struct pid_list l = { pids, n };
	read_procs(dirfd, &l);
	walk_below(dirfd, visit_procs, &l);
}

/* ---- removal ---- */

static int visit_rmdir(int parent, const char *name, int fd, void *arg)
{
	(void)fd;
	(void)arg;
	if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	return -errno;
}

int cgroup_tree_remove(int dirfd, int64_t deadline_ms)
{
	for (;;) {
		/* each pass removes what it can, deepest first; a cgroup whose
		 * last task is still on its way out is EBUSY for a moment */
		int r = walk_below(dirfd, visit_rmdir, NULL);
		if (r == 0 || r != -EBUSY || cgroup_now_ms() >= deadline_ms)
			return r;
		cgroup_sleep_ms(5);
	}
}

/* ---- leftovers of an nsrun that is gone ---- */

int cgroup_remove_stale(int parent, const char *name, pid_t owner, int64_t lock_deadline_ms)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* a running nsrun holds its own cgroup's lock (shared) */
	int r;
	while ((r = flock(fd, LOCK_EX | LOCK_NB)) < 0 && errno == EWOULDBLOCK &&
	       cgroup_now_ms() < lock_deadline_ms)
		cgroup_sleep_ms(5);
	if (r < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto out;
	}
	/* checked with the lock held: an nsrun that got the pid since takes
	 * the lock before it uses the cgroup */
	if (owner > 0 && (kill(owner, 0) == 0 || errno != ESRCH)) {
		r = -EBUSY;
		goto out;
	}
	pid_t *pids = NULL;
	size_t n = 0;
	cgroup_tree_pids(fd, &pids, &n);
	free(pids);
	if (n) {
		r = -EBUSY; /* not ours to kill */
		goto out;
	}
	r = cgroup_tree_remove(fd, cgroup_now_ms() + 1000);
	if (r == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
out:
	close(fd);
	return r;
}
