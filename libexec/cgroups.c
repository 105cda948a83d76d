/* The container's cgroup: creation, limits, membership, freezer, removal.
 *
 * Hierarchies come from /proc/self/cgroup (nsrun's own cgroup in each) and
 * /proc/self/mountinfo (where each is mounted; only mounts at
 * /sys/fs/cgroup or directly below it count).  Every file is opened
 * relative to a directory fd of the cgroup, which sits on a mount whose
 * f_type was checked, never through the container.
 *
 * Which hierarchy a setting goes to is the one thing decided here, because
 * only the host knows it: the plan spells every setting for v1 and v2, and
 * the v1 form wins where the host has the controller on a v1 hierarchy. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/magic.h>

#include "cgroups.h"
#include "exec-internal.h"

struct hier {
	bool v2;
	char *controllers;        /* v1: as in /proc/self/cgroup ("cpu,cpuacct", "name=systemd") */
	char *mount;              /* "/sys/fs/cgroup/memory" */
	char *path;               /* the container's cgroup below the mount: "/a/b/nsrun-ID" */
	unsigned n_created;       /* trailing components of path nsrun made */
	bool own_name;            /* the leaf is "nsrun-PID" with this nsrun's pid */
	int fd;                   /* the container's cgroup, O_RDONLY|O_DIRECTORY; -1: not open */
	/* discovery */
	char *own;                /* nsrun's own cgroup below the mount */
	char *avail;              /* v2: the root's cgroup.controllers */
};

struct cgroup_handle {
	struct hier *v;
	size_t n;
	char *unit;               /* the systemd driver: the transient scope, stopped on destroy */
	pid_t keeper;             /* the systemd driver: holds the scope until PID 1 is in it */
};

static void hier_clear(struct hier *h)
{
	free(h->controllers);
	free(h->mount);
	free(h->path);
	free(h->own);
	free(h->avail);
	if (h->fd >= 0)
		close(h->fd);
	memset(h, 0, sizeof(*h));
	h->fd = -1;
}

static void release_keeper(struct cgroup_handle *h)
{
	if (h->keeper <= 0)
		return;
	kill(h->keeper, SIGKILL);
	waitpid(h->keeper, NULL, 0);
	h->keeper = 0;
}

void cgroup_handle_free(struct cgroup_handle *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		hier_clear(&h->v[i]);
	release_keeper(h);
	free(h->unit);
	free(h->v);
	free(h);
}

static void handle_freep(struct cgroup_handle **h)
{
	cgroup_handle_free(*h);
}
#define _cleanup_handle_ __attribute__((cleanup(handle_freep)))

const char *cgroup_path(const struct cgroup_handle *h)
{
	return h && h->n ? h->v[0].path : NULL;
}

/* ---- small file helpers ---- */

/* The whole file (NUL-terminated), or NULL with errno (cgroups.h). */
char *cgroup_read_file(int dirfd, const char *file)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/* Write each line of `value` with its own write(): cgroup files take one
 * setting per write (io.max, devices.allow).  0 or -errno. */
static int write_at(int dirfd, const char *file, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	const char *p = value;
	do {
		const char *end = strchrnul(p, '\n');
		size_t len = (size_t)(end - p);
		if (len || !*value) {
			ssize_t n;
			do
				n = write(fd, p, len);
			while (n < 0 && errno == EINTR);
			if (n < 0)
				return -errno;
		}
		p = *end ? end + 1 : end;
	} while (*p);
	return 0;
}

static bool word_in(const char *list, const char *word, const char *seps)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, seps);
		if (l == wl && strncmp(p, word, wl) == 0)
			return true;
		p += l;
		p += strspn(p, seps);
	}
	return false;
}

/* ---- discovery ---- */

static void unescape_octal(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

static bool clean_text(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s))
			return false;
	return true;
}

struct cg_mount { bool v2; char *root, *point, *super; };

static void mounts_free(struct cg_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].root);
		free(m[i].point);
		free(m[i].super);
	}
	free(m);
}

static FILE *open_proc(int proc_fd, const char *name)
{
	int fd = proc_fd >= 0 ? openat(proc_fd, name, O_RDONLY | O_CLOEXEC) : -1;
	if (proc_fd < 0) {
		_cleanup_free_ char *path = xasprintf("/proc/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "re");
	if (!f)
		close(fd);
	return f;
}

static int read_cgroup_mounts(int proc_fd, struct cg_mount **out, size_t *count, struct nsrun_error *err)
{
	_cleanup_fclose_ FILE *f = open_proc(proc_fd, "self/mountinfo");
	if (!f)
		return nsrun_error_set(err, errno, "open /proc/self/mountinfo");
	struct cg_mount *v = NULL;
	size_t n = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *fields[64];
		size_t nf = 0;
		for (char *save = NULL, *t = strtok_r(line, " ", &save); t && nf < ARRAY_SIZE(fields);
		     t = strtok_r(NULL, " ", &save))
			fields[nf++] = t;
		size_t dash = 6;
		while (dash < nf && strcmp(fields[dash], "-") != 0)
			dash++;
		if (nf < 7 || dash + 3 >= nf + 1 || dash + 3 > nf)
			continue;
		const char *type = fields[dash + 1];
		bool v2 = strcmp(type, "cgroup2") == 0;
		if (!v2 && strcmp(type, "cgroup") != 0)
			continue;
		unescape_octal(fields[3]);
		unescape_octal(fields[4]);
		const char *pt = fields[4];
		if (strcmp(pt, "/sys/fs/cgroup") != 0 &&
		    (strncmp(pt, "/sys/fs/cgroup/", 15) != 0 || !pt[15] || strchr(pt + 15, '/')))
			continue;
		if (!clean_text(pt) || !clean_text(fields[3]))
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = (struct cg_mount){ v2, xstrdup(fields[3]), xstrdup(pt), xstrdup(fields[dash + 3]) };
	}
	free(line);
	*out = v;
	*count = n;
	return 0;
}

static const struct cg_mount *find_mount(const struct cg_mount *m, size_t n, bool v2, const char *ctls)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].v2 != v2)
			continue;
		if (v2)
			return &m[i];
		bool all = true;
		_cleanup_free_ char *c = xstrdup(ctls);
		for (char *save = NULL, *t = strtok_r(c, ",", &save); t; t = strtok_r(NULL, ",", &save))
			all &= word_in(m[i].super, t, ",");
		if (all)
			return &m[i];
	}
	return NULL;
}

/* nsrun's cgroup in each hierarchy mounted under /sys/fs/cgroup. */
static int discover(int proc_fd, struct cgroup_handle **out, struct nsrun_error *err)
{
	struct cg_mount *mounts = NULL;
	size_t n_mounts = 0;
	if (read_cgroup_mounts(proc_fd, &mounts, &n_mounts, err) < 0)
		return -1;
	_cleanup_fclose_ FILE *f = open_proc(proc_fd, "self/cgroup");
	if (!f) {
		mounts_free(mounts, n_mounts);
		return nsrun_error_set(err, errno, "open /proc/self/cgroup");
	}
	struct cgroup_handle *h = xcalloc(1, sizeof(*h));
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		const char *ctls = c1 + 1, *own = c2 + 1;
		bool v2 = strcmp(line, "0") == 0 && !*ctls;
		if (!v2 && !*ctls)
			continue;
		const struct cg_mount *m = find_mount(mounts, n_mounts, v2, ctls);
		if (!m || own[0] != '/' || !clean_text(own))
			continue;
		/* The mount shows the hierarchy from m->root down. */
		size_t rl = strcmp(m->root, "/") == 0 ? 0 : strlen(m->root);
		if (rl && (strncmp(own, m->root, rl) != 0 || (own[rl] && own[rl] != '/')))
			continue;
		bool dup = false;
		for (size_t i = 0; i < h->n; i++)
			dup |= strcmp(h->v[i].mount, m->point) == 0;
		if (dup)
			continue;
		h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
		struct hier *hi = &h->v[h->n++];
		memset(hi, 0, sizeof(*hi));
		hi->fd = -1;
		hi->v2 = v2;
		hi->controllers = xstrdup(v2 ? "" : ctls);
		hi->mount = xstrdup(m->point);
		hi->own = xstrdup(own[rl] ? own + rl : "/");
		if (v2) {
			_cleanup_close_ int rfd = open(hi->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			hi->avail = rfd >= 0 ? cgroup_read_file(rfd, "cgroup.controllers") : NULL;
			if (!hi->avail)
				hi->avail = xstrdup("");
		}
	}
	free(line);
	mounts_free(mounts, n_mounts);
	*out = h;
	return 0;
}

static bool has_controller(const struct hier *h, const char *ctl)
{
	if (h->v2)
		return !*ctl || !h->avail || word_in(h->avail, ctl, " \n");
	return word_in(h->controllers, ctl, ",");
}

static ssize_t find_hier(const struct cgroup_handle *h, bool v2, const char *ctl)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].v2 == v2 && (!ctl || has_controller(&h->v[i], ctl)))
			return (ssize_t)i;
	return -1;
}

/* Open a cgroup's directory on a cgroup filesystem. */
static int open_cgroup_dir(const char *path, struct nsrun_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct statfs sf;
	if (fd < 0)
		return nsrun_error_set(err, errno, "open %s", path);
	if (fstatfs(fd, &sf) < 0 || (sf.f_type != CGROUP_SUPER_MAGIC && sf.f_type != CGROUP2_SUPER_MAGIC)) {
		close(fd);
		return nsrun_error_set(err, 0, "%s is not on a cgroup filesystem", path);
	}
	return fd;
}

static int hier_fd(struct hier *h, struct nsrun_error *err)
{
	if (h->fd >= 0)
		return h->fd;
	_cleanup_free_ char *path = xasprintf("%s%s", h->mount, h->path);
	h->fd = open_cgroup_dir(path, err);
	return h->fd;
}

/* ---- deciding where each setting goes ---- */

struct choice { ssize_t hier; const struct plan_cgroup_file *f; };

static int resolve_writes(const struct cgroup_handle *h, const struct plan_cgroup *pc, const char *file,
			  struct choice *ch, struct nsrun_error *err)
{
	bool any_v1 = find_hier(h, false, NULL) >= 0;
	ssize_t v2 = find_hier(h, true, NULL);
	for (size_t i = 0; i < pc->n_writes; i++) {
		const struct plan_cgroup_write *w = &pc->writes[i];
		ch[i] = (struct choice){ -1, NULL };
		if (w->v1.controller && (ch[i].hier = find_hier(h, false, w->v1.controller)) >= 0) {
			ch[i].f = &w->v1;
			continue;
		}
		if (w->v2.controller && v2 >= 0 && has_controller(&h->v[v2], w->v2.controller)) {
			ch[i] = (struct choice){ v2, &w->v2 };
			continue;
		}
		if (!w->v1.controller && !w->v2.controller && !w->v1.why && !w->v2.why)
			continue;
		/* nothing to write on this host's version */
		if (!w->v2.controller && !w->v2.why && v2 >= 0 && !any_v1)
			continue;
		if (w->v1.controller && !w->v2.controller && w->v2.why && v2 >= 0 && !any_v1)
			return nsrun_error_set(err, 0, "%s: %s: %s (this host has cgroup v2 only)",
					       file, w->pointer, w->v2.why);
		if (!w->v1.controller && w->v2.controller && v2 < 0)
			return nsrun_error_set(err, 0, "%s: %s: %s, and this host has no cgroup v2 hierarchy",
					       file, w->pointer, w->v1.why);
		if (!w->v1.controller && w->v2.controller)
			return nsrun_error_set(err, 0, "%s: %s: the %s controller is not available on this "
					       "host's cgroup v2 hierarchy (%s)", file, w->pointer,
					       w->v2.controller, h->v[v2].mount);
		const char *ctl = w->v1.controller ? w->v1.controller : w->v2.controller;
		if (w->v1.controller && w->v2.controller && strcmp(w->v1.controller, w->v2.controller) != 0)
			return nsrun_error_set(err, 0, "%s: %s: neither the %s controller (cgroup v1) nor the "
					       "%s controller (cgroup v2) is available on this host",
					       file, w->pointer, w->v1.controller, w->v2.controller);
		return nsrun_error_set(err, 0, "%s: %s: the %s controller is not available on this host%s%s%s",
				       file, w->pointer, ctl, w->v2.why && v2 >= 0 ? " (" : "",
				       w->v2.why && v2 >= 0 ? w->v2.why : "", w->v2.why && v2 >= 0 ? ")" : "");
	}
	return 0;
}

/* Where the device rules go: the v1 devices hierarchy, else an eBPF
 * program on the v2 cgroup; -1 when neither exists and the spec gave no
 * rules (nsrun's defaults alone are not worth failing for). */
static int resolve_devices(const struct cgroup_handle *h, const struct plan *p, ssize_t *out,
			   struct nsrun_error *err)
{
	*out = find_hier(h, false, "devices");
	if (*out < 0)
		*out = find_hier(h, true, NULL);
	if (*out < 0 && p->cgroup->spec_devices)
		return nsrun_error_set(err, 0, "%s: /linux/resources/devices: the devices controller is not "
				       "available on this host", p->spec->file);
	return 0;
}

/* ---- creating ---- */

static bool is_empty_value(const char *s)
{
	return !s || !*s || strcmp(s, "\n") == 0;
}

/* A new v1 cpuset has no CPUs and no memory nodes; tasks cannot join it
 * until it gets some: the parent's. */
static int cpuset_copy(int parent, int child, const char *dir, struct nsrun_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *cur = cgroup_read_file(child, files[i]);
		if (!is_empty_value(cur))
			continue;
		_cleanup_free_ char *v = cgroup_read_file(parent, files[i]);
		if (!v)
			return nsrun_error_set(err, errno, "read %s of the parent of %s", files[i], dir);
		v[strcspn(v, "\n")] = '\0';
		int r = write_at(child, files[i], v);
		if (r < 0)
			return nsrun_error_set(err, -r, "copy %s=%s into %s", files[i], v, dir);
	}
	return 0;
}

/* "nsrun-PID" with our pid exists: a leftover of an nsrun that had the pid
 * before us and is gone (SIGKILLed with a booted machine's cgroups below
 * its own, which the sweep could not remove then).  Never used as ours:
 * removed, to be made anew. */
static int replace_leftover(int parent, const char *name, const char *path, struct nsrun_error *err)
{
	int r = cgroup_remove_stale(parent, name, 0, cgroup_now_ms() + 3000);
	if (r == -EBUSY)
		return nsrun_error_set(err, 0, "the cgroup %s, named after this nsrun's pid, is left by an "
				       "nsrun that had the pid before and is gone, and still holds "
				       "processes (or another nsrun with the same pid in another pid "
				       "namespace uses it): not removed", path);
	if (r < 0)
		return nsrun_error_set(err, -r, "remove the cgroup %s, left by an nsrun that had this pid "
				       "before", path);
	return 0;
}

/* mkdir each missing component of h->path below the mount.  n_created
 * counts from the leaf up, so that on failure half-way the cgroups made so
 * far are still the ones remove_hier removes. */
static int create_hier(struct hier *h, struct nsrun_error *err)
{
	int fd = open_cgroup_dir(h->mount, err);
	if (fd < 0)
		return -1;
	bool cpuset = !h->v2 && has_controller(h, "cpuset");
	_cleanup_free_ char *path = xstrdup(h->path);
	_cleanup_free_ char *sofar = xstrdup(h->mount);
	unsigned depth = 0;
	for (const char *q = h->path; *q; q++)
		depth += *q == '/';
	for (char *save = NULL, *c = strtok_r(path, "/", &save); c; c = strtok_r(NULL, "/", &save), depth--) {
		char *t = xasprintf("%s/%s", sofar, c);
		free(sofar);
		sofar = t;
		bool leaf = depth == 1;
		int made = mkdirat(fd, c, 0755);
		if (made < 0 && errno == EEXIST && leaf && h->own_name) {
			if (replace_leftover(fd, c, sofar, err) < 0) {
				close(fd);
				return -1;
			}
			made = mkdirat(fd, c, 0755);
		}
		if (made == 0) {
			if (!h->n_created)
				h->n_created = depth; /* this one and all below it */
		} else if (errno != EEXIST || h->n_created || (leaf && h->own_name)) {
			int e = errno;
			close(fd);
			return nsrun_error_set(err, e, "mkdir %s", sofar);
		}
		int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (next < 0) {
			int e = errno;
			close(fd);
			return nsrun_error_set(err, e, "open %s", sofar);
		}
		/* ours while we run: sweep_stale and replace_leftover leave it */
		if (leaf && h->own_name)
			while (flock(next, LOCK_SH) < 0 && errno == EINTR)
				;
		if (cpuset && cpuset_copy(fd, next, sofar, err) < 0) {
			close(fd);
			close(next);
			return -1;
		}
		close(fd);
		fd = next;
	}
	h->fd = fd;
	if (!h->n_created) {
		/* An existing cgroup is used only while nothing else runs in it. */
		_cleanup_free_ char *procs = cgroup_read_file(fd, "cgroup.procs");
		if (!procs)
			return nsrun_error_set(err, errno, "read %s/cgroup.procs", sofar);
		if (!is_empty_value(procs))
			return nsrun_error_set(err, 0, "the cgroup %s already holds processes (another "
					       "container's?)", sofar);
		/* nor one with cgroups below it: its limits would bind them too */
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_cleanup_closedir_ DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
		if (!d) {
			if (dfd >= 0)
				close(dfd);
			return nsrun_error_set(err, errno, "read %s", sofar);
		}
		for (struct dirent *e; (e = readdir(d));)
			if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				return nsrun_error_set(err, 0, "the cgroup %s already has cgroups below it (%s); "
						       "give a cgroupsPath of its own to the container",
						       sofar, e->d_name);
	}
	return 0;
}

/* v2: controllers are usable in a cgroup only when every ancestor has them
 * in cgroup.subtree_control. */
static int v2_enable(struct hier *h, const char *const *ctls, size_t n, struct nsrun_error *err)
{
	if (!n)
		return 0;
	int fd = open_cgroup_dir(h->mount, err);
	if (fd < 0)
		return -1;
	_cleanup_free_ char *path = xstrdup(h->path);
	_cleanup_free_ char *dir = xstrdup(h->mount);
	char *save = NULL, *c = strtok_r(path, "/", &save);
	int r = 0;
	while (c) {
		_cleanup_free_ char *cur = cgroup_read_file(fd, "cgroup.subtree_control");
		for (size_t i = 0; i < n && r == 0; i++) {
			if (cur && word_in(cur, ctls[i], " \n"))
				continue;
			_cleanup_free_ char *plus = xasprintf("+%s", ctls[i]);
			int w = write_at(fd, "cgroup.subtree_control", plus);
			if (w == -EBUSY)
				r = nsrun_error_set(err, EBUSY, "enable the %s controller in %s/cgroup.subtree_control: "
						    "that cgroup holds processes, and cgroup v2 lets only "
						    "leaves hold them; give an absolute linux.cgroupsPath "
						    "outside nsrun's own cgroup", ctls[i], dir);
			else if (w == -ENOENT)
				r = nsrun_error_set(err, 0, "the %s controller is not available in %s (cgroup v2)",
						    ctls[i], dir);
			else if (w < 0)
				r = nsrun_error_set(err, -w, "enable the %s controller in %s/cgroup.subtree_control",
						    ctls[i], dir);
		}
		if (r < 0)
			break;
		int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (next < 0) {
			r = nsrun_error_set(err, errno, "open %s/%s", dir, c);
			break;
		}
		close(fd);
		fd = next;
		char *t = xasprintf("%s/%s", dir, c);
		free(dir);
		dir = t;
		c = strtok_r(NULL, "/", &save);
		if (!c)
			break; /* the leaf: its own subtree_control is the container's */
	}
	close(fd);
	return r;
}

/* How long removal may take: the container's tasks get this long to die
 * (a task in uninterruptible sleep may take a while), the cgroups this
 * much more to go.  Then nsrun gives up with an error naming the cgroup. */
#define DESTROY_KILL_MS 5000
#define DESTROY_REMOVE_MS 3000

static int remove_hier(struct hier *h, int64_t deadline, struct nsrun_error *err);

static int apply_write(struct hier *h, const char *spec_file, const struct plan_cgroup_write *w,
		       const struct plan_cgroup_file *f, struct nsrun_error *err)
{
	int fd = hier_fd(h, err);
	if (fd < 0)
		return -1;
	const char *file = f->file, *value = f->value;
	int r = write_at(fd, file, value);
	if (r == -ENOENT && f->alt_file) {
		file = f->alt_file;
		value = f->alt_value;
		r = write_at(fd, file, value);
	}
	if (r == -ENOENT && f->optional)
		return 0;
	if (r == -ENOENT && f->alt_file)
		return nsrun_error_set(err, 0, "%s: %s: neither %s nor %s exists in %s%s: this kernel cannot "
				       "apply it", spec_file, w->pointer, f->file, f->alt_file, h->mount, h->path);
	if (r == -ENOENT)
		return nsrun_error_set(err, 0, "%s: %s: %s does not exist in %s%s: this kernel cannot apply it",
				       spec_file, w->pointer, file, h->mount, h->path);
	if (r < 0)
		return nsrun_error_set(err, -r, "%s: %s: write \"%s\" to %s%s/%s", spec_file, w->pointer,
				       value, h->mount, h->path, file);
	return 0;
}

static void format_rule(char *buf, size_t size, const struct plan_cgroup_device *d)
{
	if (d->type == 'a') {
		snprintf(buf, size, "a");
		return;
	}
	char ma[24] = "*", mi[24] = "*";
	if (d->major >= 0)
		snprintf(ma, sizeof(ma), "%lld", (long long)d->major);
	if (d->minor >= 0)
		snprintf(mi, sizeof(mi), "%lld", (long long)d->minor);
	snprintf(buf, size, "%c %s:%s %s", d->type, ma, mi, d->access);
}

static int devices_v1(struct hier *h, const struct plan *p, struct nsrun_error *err)
{
	int fd = hier_fd(h, err);
	if (fd < 0)
		return -1;
	int r = write_at(fd, "devices.deny", "a");
	if (r < 0)
		return nsrun_error_set(err, -r, "write \"a\" to %s%s/devices.deny", h->mount, h->path);
	const struct plan_cgroup *pc = p->cgroup;
	for (size_t i = 0; i < pc->n_devices; i++) {
		const struct plan_cgroup_device *d = &pc->devices[i];
		char rule[80];
		format_rule(rule, sizeof(rule), d);
		const char *file = d->allow ? "devices.allow" : "devices.deny";
		if ((r = write_at(fd, file, rule)) < 0) {
			if (d->origin)
				return nsrun_error_set(err, -r, "write \"%s\" (%s) to %s%s/%s", rule, d->origin,
						       h->mount, h->path, file);
			return nsrun_error_set(err, -r, "%s: /linux/resources/devices/%zu: write \"%s\" to "
					       "%s%s/%s", p->spec->file, i, rule, h->mount, h->path, file);
		}
	}
	return 0;
}

static int apply_devices(struct cgroup_handle *h, ssize_t dev, const struct plan *p, struct nsrun_error *err)
{
	/* Rootless, device rules need CAP_SYS_ADMIN nsrun does not have; the
	 * container (in a user namespace) can only use the host's nodes bound
	 * in, with their host permissions.  Rules the spec asks for fail. */
	if (dev < 0 || (geteuid() != 0 && !p->cgroup->spec_devices))
		return 0;
	struct hier *hi = &h->v[dev];
	if (!hi->v2) {
		if (devices_v1(hi, p, err) < 0)
			return -1;
		/* tests: the eBPF program too, where a hybrid host has v2 */
		ssize_t v2 = find_hier(h, true, NULL);
		const char *e = getenv("NSRUN_TEST_CGROUP_DEVICES_BPF");
		if (!e || strcmp(e, "1") != 0 || v2 < 0)
			return 0;
		hi = &h->v[v2];
	}
	int fd = hier_fd(hi, err);
	if (fd < 0)
		return -1;
	if (cgroup_devices_bpf_attach(fd, p->cgroup->devices, p->cgroup->n_devices, err) < 0) {
		/* nsrun in a container that may not load eBPF (and whose v1
		 * devices hierarchy is read-only): its own device policy holds
		 * already; nsrun's default rules are left out, given ones fail */
		if (err->errnum == EPERM && !p->cgroup->spec_devices) {
			fprintf(stderr, "nsrun: warning: the default device rules are not applied (eBPF: "
				"EPERM); the device policy of the container nsrun runs in holds\n");
			return 0;
		}
		return nsrun_error_prefix(err, "%s: /linux/resources/devices: %s%s: ", p->spec->file,
					  hi->mount, hi->path);
	}
	return 0;
}

static int apply_writes(struct cgroup_handle *h, const struct plan_cgroup *pc, const char *file,
			const struct choice *ch, struct nsrun_error *err)
{
	for (size_t i = 0; i < pc->n_writes; i++)
		if (ch[i].hier >= 0 && apply_write(&h->v[ch[i].hier], file, &pc->writes[i],
						   ch[i].f, err) < 0)
			return -1;
	return 0;
}

/* The container's cgroup below each mount. */
static void set_paths(struct cgroup_handle *h, const struct plan *p)
{
	const char *cp = p->cgroup->path;
	_cleanup_free_ char *def = cp ? NULL : plan_cgroup_default_name(p, (int)getpid());
	for (size_t i = 0; i < h->n; i++) {
		struct hier *hi = &h->v[i];
		const char *base = strcmp(hi->own, "/") == 0 ? "" : hi->own;
		/* "//a///b" -> "/a/b" */
		_cleanup_free_ char *raw = cp && cp[0] == '/' ? xstrdup(cp) :
					   xasprintf("%s/%s", base, cp ? cp : def);
		char *o = raw;
		for (const char *s = raw; *s; s++)
			if (!(*s == '/' && (s[1] == '/' || s[1] == '\0')))
				*o++ = *s;
		*o = '\0';
		hi->path = xstrdup(raw);
		hi->own_name = !cp && !p->container_id;
	}
}

/* A foreground nsrun killed by SIGKILL cannot remove its cgroup (its
 * container dies with it: parent-death signal).  The next run removes such
 * leftovers: "nsrun-PID" cgroups beside its own whose nsrun is gone, with
 * the cgroups below them, when no process is in any. */
static void sweep_stale(const struct hier *hi)
{
	const char *slash = strrchr(hi->path, '/');
	if (!slash)
		return;
	_cleanup_free_ char *parent = xasprintf("%s%.*s", hi->mount, (int)(slash - hi->path), hi->path);
	_cleanup_closedir_ DIR *d = opendir(parent);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, "nsrun-", 6) != 0 || e->d_type != DT_DIR)
			continue;
		long pid = strtol(e->d_name + 6, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		/* its nsrun lives (or we cannot tell): left, without opening
		 * and locking it (cgroup_remove_stale checks again, locked) */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		/* in use, or we cannot tell: left */
		cgroup_remove_stale(dirfd(d), e->d_name, (pid_t)pid, 0);
	}
}

/* v1 hierarchies mounted read-only are not nsrun's to use: nsrun runs in a
 * container (a machine started by nsrun@.service inside a booted machine
 * on a hybrid host) whose manager left only the systemd hierarchies
 * writable.  Dropped here, a setting that needs one fails as on a host
 * without that controller. */
static void drop_read_only_v1(struct cgroup_handle *h)
{
	size_t k = 0;
	for (size_t i = 0; i < h->n; i++) {
		struct statvfs sv;
		if (!h->v[i].v2 && statvfs(h->v[i].mount, &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
			hier_clear(&h->v[i]);
			continue;
		}
		if (k != i) {
			h->v[k] = h->v[i];
			memset(&h->v[i], 0, sizeof(h->v[i]));
			h->v[i].fd = -1;
		}
		k++;
	}
	h->n = k;
}

int cgroup_create(const struct plan *p, int proc_fd, struct cgroup_handle **out, struct nsrun_error *err)
{
	struct cgroup_handle *found = NULL;
	if (discover(proc_fd, &found, err) < 0 || !found)
		return -1;
	_cleanup_handle_ struct cgroup_handle *h = found;
	drop_read_only_v1(h);
	if (!h->n)
		return nsrun_error_set(err, 0, "%s: no cgroup hierarchy is mounted under /sys/fs/cgroup",
				       p->spec->file);
	_cleanup_free_ struct choice *ch = xcalloc(p->cgroup->n_writes + 1, sizeof(*ch));
	ssize_t dev;
	if (resolve_writes(h, p->cgroup, p->spec->file, ch, err) < 0 || resolve_devices(h, p, &dev, err) < 0)
		return -1;
	set_paths(h, p);
	/* the v2 controllers the settings need */
	const char *ctls[32];
	size_t n_ctls = 0;
	for (size_t i = 0; i < p->cgroup->n_writes; i++) {
		if (ch[i].hier < 0 || !h->v[ch[i].hier].v2 || !*ch[i].f->controller)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n_ctls; k++)
			dup |= strcmp(ctls[k], ch[i].f->controller) == 0;
		if (!dup && n_ctls < ARRAY_SIZE(ctls))
			ctls[n_ctls++] = ch[i].f->controller;
	}
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].own_name)
			sweep_stale(&h->v[i]);
		if (create_hier(&h->v[i], err) < 0)
			goto fail;
		if (h->v[i].v2 && v2_enable(&h->v[i], ctls, n_ctls, err) < 0)
			goto fail;
	}
	if (apply_writes(h, p->cgroup, p->spec->file, ch, err) < 0 || apply_devices(h, dev, p, err) < 0)
		goto fail;
	*out = TAKE_PTR(h);
	return 0;
fail:
	/* before clone: nothing of ours runs in it, so nothing to kill */
	for (size_t i = h->n; i-- > 0;) {
		struct nsrun_error rerr = { 0 };
		if (remove_hier(&h->v[i], cgroup_now_ms() + DESTROY_REMOVE_MS, &rerr) < 0)
			fprintf(stderr, "nsrun: warning: %s\n", rerr.msg);
	}
	return -1;
}

int cgroup_update(struct cgroup_handle *h, const struct plan_cgroup *pc, const char *file,
		  struct nsrun_error *err)
{
	if (!pc)
		return 0;
	struct plan_cgroup files;
	_cleanup_free_ struct plan_cgroup_write *kept = NULL;
	if (h->unit) {
		/* the systemd driver: properties first, the rest as files */
		_cleanup_free_ bool *keep = xcalloc(pc->n_writes + 1, sizeof(bool));
		if (cgroup_systemd_update(h->unit, pc, keep, err) < 0)
			return -1;
		files = *pc;
		files.writes = kept = xcalloc(pc->n_writes + 1, sizeof(*kept));
		files.n_writes = 0;
		for (size_t i = 0; i < pc->n_writes; i++)
			if (keep[i])
				kept[files.n_writes++] = pc->writes[i];
		pc = &files;
	}
	_cleanup_free_ struct choice *ch = xcalloc(pc->n_writes + 1, sizeof(*ch));
	/* the availability of controllers was read at discovery; a handle
	 * from the state file has none, so look again */
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].v2 && !h->v[i].avail) {
			_cleanup_close_ int rfd = open(h->v[i].mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			h->v[i].avail = rfd >= 0 ? cgroup_read_file(rfd, "cgroup.controllers") : NULL;
			if (!h->v[i].avail)
				h->v[i].avail = xstrdup("");
		}
	if (resolve_writes(h, pc, file, ch, err) < 0)
		return -1;
	return apply_writes(h, pc, file, ch, err);
}

int cgroup_v2_fd(struct cgroup_handle *h)
{
	struct nsrun_error ignored;
	ssize_t v2 = h ? find_hier(h, true, NULL) : -1;
	return v2 < 0 ? -1 : hier_fd(&h->v[v2], &ignored);
}

int cgroup_enter(struct cgroup_handle *h, pid_t pid, bool v2_done, struct nsrun_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < h->n; i++) {
		struct hier *hi = &h->v[i];
		if (hi->v2 && v2_done)
			continue;
		int fd = hier_fd(hi, err);
		if (fd < 0)
			return -1;
		int r = write_at(fd, "cgroup.procs", buf);
		if (r < 0)
			return nsrun_error_set(err, -r, "move pid %d into %s%s", (int)pid, hi->mount, hi->path);
	}
	release_keeper(h); /* PID 1 holds the systemd scope now */
	return 0;
}

/* ---- freezer, pids, kill ---- */

static struct hier *freezer_hier(struct cgroup_handle *h)
{
	ssize_t i = find_hier(h, false, "freezer");
	if (i < 0)
		i = find_hier(h, true, NULL);
	return i < 0 ? NULL : &h->v[i];
}

int cgroup_is_frozen(struct cgroup_handle *h, bool *frozen, struct nsrun_error *err)
{
	struct hier *hi = freezer_hier(h);
	*frozen = false;
	if (!hi)
		return 0;
	int fd = hier_fd(hi, err);
	if (fd < 0)
		return -1;
	_cleanup_free_ char *v = cgroup_read_file(fd, hi->v2 ? "cgroup.events" : "freezer.state");
	if (!v)
		return nsrun_error_set(err, errno, "read the freezer state of %s%s", hi->mount, hi->path);
	*frozen = hi->v2 ? strstr(v, "frozen 1") != NULL : strncmp(v, "THAWED", 6) != 0;
	return 0;
}

int cgroup_freeze(struct cgroup_handle *h, bool frozen, struct nsrun_error *err)
{
	struct hier *hi = freezer_hier(h);
	if (!hi)
		return nsrun_error_set(err, 0, "this host has no freezer (cgroup v1 freezer or cgroup v2)");
	int fd = hier_fd(hi, err);
	if (fd < 0)
		return -1;
	const char *file = hi->v2 ? "cgroup.freeze" : "freezer.state";
	const char *value = hi->v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
	int r = write_at(fd, file, value);
	if (r < 0)
		return nsrun_error_set(err, -r, "write %s to %s%s/%s", value, hi->mount, hi->path, file);
	/* Tasks stop (or go on) asynchronously; wait for the kernel to say so. */
	for (int tries = 0; tries < 2000; tries++) {
		_cleanup_free_ char *st = cgroup_read_file(fd, hi->v2 ? "cgroup.events" : "freezer.state");
		if (!st)
			return nsrun_error_set(err, errno, "read the freezer state of %s%s", hi->mount, hi->path);
		if (hi->v2 && (strstr(st, frozen ? "frozen 1" : "frozen 0") != NULL))
			return 0;
		if (!hi->v2 && strncmp(st, value, strlen(value)) == 0)
			return 0;
		if (!hi->v2 && frozen && tries % 100 == 99)
			write_at(fd, file, value); /* nudge tasks that were busy, as runc does */
		cgroup_sleep_ms(1);
	}
	if (frozen)
		write_at(fd, file, hi->v2 ? "0" : "THAWED");
	return nsrun_error_set(err, ETIMEDOUT, "%s %s%s", frozen ? "freeze" : "thaw", hi->mount, hi->path);
}

int cgroup_controller_dir(struct cgroup_handle *h, const char *controller, bool *v2)
{
	struct nsrun_error ignored = { 0 };
	ssize_t i = find_hier(h, false, controller);
	if (i < 0)
		i = find_hier(h, true, controller);
	if (i < 0)
		return -1;
	*v2 = h->v[i].v2;
	return hier_fd(&h->v[i], &ignored);
}

static struct hier *procs_hier(struct cgroup_handle *h)
{
	ssize_t i = find_hier(h, true, NULL);
	if (i < 0)
		i = find_hier(h, false, "freezer");
	if (i < 0 && h->n)
		i = 0;
	return i < 0 ? NULL : &h->v[i];
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return x < y ? -1 : x > y;
}

int cgroup_pids(struct cgroup_handle *h, pid_t **pids, size_t *n, struct nsrun_error *err)
{
	*pids = NULL;
	*n = 0;
	struct hier *hi = procs_hier(h);
	if (!hi)
		return 0;
	int fd = hier_fd(hi, err);
	if (fd < 0)
		return -1;
	cgroup_tree_pids(fd, pids, n);
	if (*n)
		qsort(*pids, *n, sizeof(pid_t), cmp_pid);
	return 0;
}

static int signal_all(struct cgroup_handle *h, int sig, struct nsrun_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n;
	if (cgroup_pids(h, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return nsrun_error_set(err, errno, "kill %d", (int)pids[i]);
	return 0;
}

int cgroup_kill(struct cgroup_handle *h, int sig, struct nsrun_error *err)
{
	if (sig != SIGKILL)
		return signal_all(h, sig, err);
	/* Frozen, nothing forks while the signals go out (v1); thawed after,
	 * a frozen task dies of its SIGKILL, so a paused container dies too. */
	struct nsrun_error ferr;
	bool v1_freezer = find_hier(h, false, "freezer") >= 0;
	if (v1_freezer)
		cgroup_freeze(h, true, &ferr);
	ssize_t v2 = find_hier(h, true, NULL);
	int r = -ENOENT;
	if (v2 >= 0) {
		int fd = hier_fd(&h->v[v2], err);
		r = fd < 0 ? -1 : write_at(fd, "cgroup.kill", "1");
		if (r < 0 && r != -ENOENT && fd >= 0)
			nsrun_error_set(err, -r, "write 1 to %s%s/cgroup.kill", h->v[v2].mount, h->v[v2].path);
	}
	if (r == -ENOENT) /* no cgroup.kill before Linux 5.14 */
		r = signal_all(h, sig, err);
	bool frozen;
	if (cgroup_is_frozen(h, &frozen, &ferr) == 0 && frozen)
		cgroup_freeze(h, false, &ferr);
	return r < 0 ? -1 : 0;
}

/* ---- removal ---- */

/* rmdir, retried while the cgroup is busy (its last task is still on its
 * way out) until the deadline. */
static int rmdir_until(int parent, const char *name, int64_t deadline)
{
	for (;;) {
		/* gone, or never made: a file of that name is not ours */
		if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT || errno == ENOTDIR)
			return 0;
		if (errno != EBUSY || cgroup_now_ms() >= deadline)
			return -errno;
		cgroup_sleep_ms(5);
	}
}

static int remove_hier(struct hier *h, int64_t deadline, struct nsrun_error *err)
{
	if (!h->n_created)
		return 0;
	struct nsrun_error ignored;
	int fd = hier_fd(h, &ignored);
	if (fd >= 0) {
		/* what the container made below its cgroup, at any depth */
		int r = cgroup_tree_remove(fd, deadline);
		close(fd);
		h->fd = -1;
		if (r < 0)
			return nsrun_error_set(err, -r, "remove the cgroups below %s%s", h->mount, h->path);
	}
	_cleanup_free_ char *path = xstrdup(h->path);
	for (unsigned k = 0; k < h->n_created; k++) {
		char *slash = strrchr(path, '/');
		if (!slash)
			break;
		_cleanup_free_ char *parent = xasprintf("%s%.*s", h->mount, (int)(slash - path), path);
		_cleanup_close_ int pfd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* a parent nsrun made may be in use by someone else now: no wait */
		int r = pfd < 0 ? -errno : rmdir_until(pfd, slash + 1, k > 0 ? 0 : deadline);
		if (r == -EBUSY && k > 0)
			return 0;
		if (r < 0)
			return nsrun_error_set(err, -r, "remove the cgroup %s%s", h->mount, path);
		*slash = '\0';
	}
	return 0;
}

int cgroup_destroy(struct cgroup_handle *h, struct nsrun_error *err)
{
	if (!h)
		return 0;
	int r = 0;
	struct nsrun_error e2, local;
	if (!err)
		err = &local;
	/* Kill what is left (daemons of a container without a pid namespace,
	 * at any depth below its cgroup) and wait until the kernel has let go
	 * of every task. */
	int64_t deadline = cgroup_now_ms() + DESTROY_KILL_MS;
	for (int tries = 0;; tries++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		if (cgroup_pids(h, &pids, &n, &e2) < 0 || n == 0 || cgroup_now_ms() >= deadline)
			break;
		if (tries % 20 == 0)
			cgroup_kill(h, SIGKILL, &e2);
		cgroup_sleep_ms(5);
	}
	bool frozen = false;
	if (cgroup_is_frozen(h, &frozen, &e2) == 0 && frozen)
		cgroup_freeze(h, false, &e2);
	deadline = cgroup_now_ms() + DESTROY_REMOVE_MS;
	for (size_t i = h->n; i-- > 0;)
		if (remove_hier(&h->v[i], deadline, r < 0 ? &e2 : err) < 0)
			r = -1;
	if (h->unit && cgroup_systemd_stop(h->unit, r < 0 ? &e2 : err) < 0)
		r = -1;
	cgroup_handle_free(h);
	return r;
}

/* ---- state ---- */

/* "/a/b": absolute, no empty, "." or ".." components, not "/". */
static bool plain_path(const char *p)
{
	if (p[0] != '/' || !p[1])
		return false;
	for (const char *c = p + 1;;) {
		const char *end = strchrnul(c, '/');
		size_t len = (size_t)(end - c);
		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!*end)
			return true;
		c = end + 1;
	}
}

char *cgroup_state_to_string(const struct cgroup_handle *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	for (size_t i = 0; h && i < h->n; i++) {
		const struct hier *hi = &h->v[i];
		fprintf(f, "%s\t%u\t%s\t%s\t%s\n", hi->v2 ? "v2" : "v1", hi->n_created, hi->controllers,
			hi->mount, hi->path);
	}
	if (h && h->unit)
		fprintf(f, "systemd\t%s\n", h->unit);
	fclose(f);
	return buf;
}

int cgroup_state_from_string(const char *s, struct cgroup_handle **out, struct nsrun_error *err)
{
	_cleanup_handle_ struct cgroup_handle *h = xcalloc(1, sizeof(*h));
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "systemd\t", 8) == 0 && !h->unit && clean_text(line + 8) &&
		    !strchr(line + 8, '/') && !strchr(line + 8, '\t') && strlen(line + 8) > 6 &&
		    strcmp(line + strlen(line) - 6, ".scope") == 0) {
			h->unit = xstrdup(line + 8);
			continue;
		}
		char *f[5];
		size_t nf = 0;
		for (char *p = line; nf < 5; nf++) {
			f[nf] = p;
			char *tab = strchr(p, '\t');
			if (!tab) {
				nf++;
				break;
			}
			*tab = '\0';
			p = tab + 1;
		}
		char *end;
		unsigned long nc = nf == 5 ? strtoul(f[1], &end, 10) : 0;
		bool ok = nf == 5 && (strcmp(f[0], "v1") == 0 || strcmp(f[0], "v2") == 0) &&
			  *f[1] && !*end && nc < 256 && clean_text(f[2]) && clean_text(f[3]) &&
			  clean_text(f[4]) && !strchr(f[4], '\t') &&
			  (strcmp(f[3], "/sys/fs/cgroup") == 0 ||
			   (strncmp(f[3], "/sys/fs/cgroup/", 15) == 0 && f[3][15] && !strchr(f[3] + 15, '/'))) &&
			  plain_path(f[4]);
		if (!ok)
			return nsrun_error_set(err, 0, "bad cgroup state line \"%.200s\"", line);
		h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
		struct hier *hi = &h->v[h->n++];
		memset(hi, 0, sizeof(*hi));
		hi->fd = -1;
		hi->v2 = f[0][1] == '2';
		hi->n_created = (unsigned)nc;
		hi->controllers = xstrdup(f[2]);
		hi->mount = xstrdup(f[3]);
		hi->path = xstrdup(f[4]);
		hi->avail = NULL;
	}
	*out = TAKE_PTR(h);
	return 0;
}

/* Boot in a user namespace: the container's root owns its cgroup in the
 * hierarchies its systemd manages (cgroup2, v1 name=systemd) and the files
 * the kernel lists as safe to delegate, so it runs its own subtree; the
 * limits nsrun wrote stay nsrun's. */
int cgroup_delegate(struct cgroup_handle *h, uid_t uid, gid_t gid, struct nsrun_error *err)
{
	static const char *const v2_files[] = { "cgroup.procs", "cgroup.threads",
						"cgroup.subtree_control", NULL };
	static const char *const v1_files[] = { "cgroup.procs", "tasks", "cgroup.clone_children",
						"notify_on_release", NULL };
	for (size_t i = 0; i < h->n; i++) {
		struct hier *hi = &h->v[i];
		if (!hi->v2 && !word_in(hi->controllers, "name=systemd", ","))
			continue;
		if (hier_fd(hi, err) < 0)
			return -1;
		if (fchown(hi->fd, uid, gid) < 0)
			return nsrun_error_set(err, errno, "chown %s%s", hi->mount, hi->path);
		for (const char *const *f = hi->v2 ? v2_files : v1_files; *f; f++)
			if (fchownat(hi->fd, *f, uid, gid, 0) < 0 && errno != ENOENT)
				return nsrun_error_set(err, errno, "chown %s%s/%s", hi->mount, hi->path, *f);
	}
	return 0;
}

/* ---- the step ---- */

/* The systemd driver's scope (cgroups-systemd.c) is made by systemd around
 * `member`: take the cgroups systemd put it in (those that differ from
 * nsrun's own), write the settings of `pc` there, and keep `member` until
 * cgroup_enter. */
int cgroup_adopt(const struct plan *p, const struct plan_cgroup *pc, pid_t member, const char *unit,
		 int proc_fd, struct cgroup_handle **out, struct nsrun_error *err)
{
	struct cgroup_handle *found = NULL;
	if (discover(proc_fd, &found, err) < 0 || !found)
		return -1;
	_cleanup_handle_ struct cgroup_handle *h = found;
	char name[32];
	snprintf(name, sizeof(name), "%d/cgroup", (int)member);
	FILE *f = open_proc(proc_fd, name);
	if (!f)
		return nsrun_error_set(err, errno, "read /proc/%s", name);
	char line[4096];
	size_t kept = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = 0;
		for (size_t i = kept; i < h->n; i++) {
			struct hier *hi = &h->v[i];
			if (hi->v2 ? c1[1] != 0 : strcmp(c1 + 1, hi->controllers) != 0)
				continue;
			if (strcmp(c2 + 1, hi->own) == 0 || !plain_path(c2 + 1))
				break; /* systemd left this hierarchy alone */
			free(hi->path);
			hi->path = xstrdup(c2 + 1);
			struct hier tmp = h->v[kept];
			h->v[kept++] = *hi;
			*hi = tmp;
			break;
		}
	}
	fclose(f);
	for (size_t i = kept; i < h->n; i++)
		hier_clear(&h->v[i]);
	h->n = kept;
	if (!kept)
		return nsrun_error_set(err, 0, "systemd put pid %d in no cgroup of its own", (int)member);
	_cleanup_free_ struct choice *ch = xcalloc(pc->n_writes + 1, sizeof(*ch));
	if (resolve_writes(h, pc, p->spec->file, ch, err) < 0 || apply_writes(h, pc, p->spec->file, ch, err) < 0)
		return -1;
	h->unit = xstrdup(unit);
	h->keeper = member;
	*out = TAKE_PTR(h);
	return 0;
}

/* Rootless, a cgroup nsrun may not make: with nothing to limit (an
 * engine's cgroupsPath) it is only where the container would go, and
 * without a delegated cgroup the container stays in nsrun's; limits are an
 * error that says what is missing. */
static int rootless_cgroup_failure(struct exec_ctx *c, struct nsrun_error *err)
{
	bool denied = exec_rootless() && (strstr(err->msg, "EACCES") || strstr(err->msg, "EPERM"));
	if (denied && !c->plan->cgroup->n_writes && !c->plan->cgroup->spec_devices) {
		if (getenv("NSRUN_DEBUG"))
			fprintf(stderr, "nsrun: rootless: no cgroup (%s)\n", err->msg);
		memset(err, 0, sizeof(*err));
		c->cgroup = NULL;
		return 0;
	}
	if (denied)
		nsrun_error_prefix(err, "%s: running rootless, the spec's linux.resources (or "
				   "cgroupsPath) need a cgroup delegated to you (your own cgroup "
				   "writable in every hierarchy, as systemd's user@.service gives), "
				   "and nsrun's is not: ", c->plan->spec->file);
	return -1;
}

int step_cgroup(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	if (!c->plan->cgroup)
		return 0;
	c->cgroup_step = c->step_index; /* clone moves the child in (walk.c) */
	bool systemd = (c->opts && c->opts->systemd_cgroup) || cgroup_path_is_systemd(c->plan->cgroup->path);
	if ((systemd ? cgroup_create_systemd(c->plan, c->proc_fd, &c->cgroup, err) :
	     cgroup_create(c->plan, c->proc_fd, &c->cgroup, err)) < 0)
		return rootless_cgroup_failure(c, err);
	if (c->plan->boot && c->plan->new_userns)
		return cgroup_delegate(c->cgroup, userns_host_root(c, false),
				       userns_host_root(c, true), err);
	return 0;
}
