/* Namespaces joined by path, made after joining a user namespace, time
 * offsets, id maps, and the names of the uts namespace. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include "exec-internal.h"

static bool plan_sets_uts_names(const struct plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_HOSTNAME || p->steps[i].kind == STEP_DOMAINNAME)
			return true;
	return false;
}

static bool same_ns(int proc_fd, const char *which, const struct stat *ns)
{
	struct stat st;
	return fstatat(proc_fd, which, &st, 0) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
}

/* A hostname or domain name for a uts namespace joined by path (podman's
 * and CRI-O's pods) is set there, as runc does; but never in the host's
 * own, nsrun's or that of the host's PID 1, whose name it would change. */
static int check_uts_join(struct exec_ctx *c, const struct plan_step *s, int fd, struct nsrun_error *err)
{
	struct stat ns;
	if (s->ns_flags != CLONE_NEWUTS || !plan_sets_uts_names(c->plan))
		return 0;
	if (fstat(fd, &ns) < 0)
		return nsrun_error_set(err, errno, "stat %s", s->path);
	if (same_ns(c->proc_fd, "thread-self/ns/uts", &ns) || same_ns(c->proc_fd, "1/ns/uts", &ns))
		return nsrun_error_set(err, 0, "%s: /hostname, /domainname: %s is the host's own uts "
				       "namespace, whose names they would change; join another one or "
				       "leave them out", c->plan->spec->file, s->path);
	return 0;
}

/* join-namespace's EARLY function: the path is opened before the first
 * join, as a joined mount namespace hides the host's paths. */
int step_join_ns_open(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	c->ns_fds[c->step_index] = open(s->path, O_RDONLY | O_CLOEXEC);
	if (c->ns_fds[c->step_index] < 0)
		return nsrun_error_set(err, errno, "open %s", s->path);
	return 0;
}

int step_join_ns(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	/* opened by step_join_ns_open in the child; before clone, here */
	_cleanup_close_ int fd = c->ns_fds && c->ns_fds[c->step_index] >= 0 ?
		TAKE_FD(c->ns_fds[c->step_index]) : open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open %s", s->path);
	/* Check that the path is a namespace, and of the right type. */
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return nsrun_error_set(err, errno, "%s is not a namespace", s->path);
	if (type != s->ns_flags)
		return nsrun_error_set(err, 0, "%s is a %s namespace, not a %s namespace", s->path,
				       spec_namespace_name(type) ? spec_namespace_name(type) : "?",
				       spec_namespace_name(s->ns_flags));
	if (check_uts_join(c, s, fd, err) < 0)
		return -1;
	if (setns(fd, s->ns_flags) < 0)
		return nsrun_error_set(err, errno, "setns %s", s->path);
	if (s->ns_flags == CLONE_NEWNS && mounts_enter_joined(c, err) < 0)
		return -1;
	/* joining a mount namespace moves us to its root: that is the root
	 * later steps resolve paths in (nsrun exec) */
	if (s->ns_flags == CLONE_NEWNS && c->root_fd < 0) {
		c->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c->root_fd < 0)
			return nsrun_error_set(err, errno, "open the container's root");
	}
	return 0;
}

int step_unshare(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	if (unshare(s->ns_flags) < 0)
		return nsrun_error_set(err, errno, "unshare");
	return 0;
}

int write_proc(int proc_fd, const char *rel, const char *data, struct nsrun_error *err)
{
	_cleanup_close_ int fd = openat(proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc/%s", rel);
	size_t len = strlen(data);
	ssize_t n = write(fd, data, len);
	if (n < 0 || (size_t)n != len)
		return nsrun_error_set(err, n < 0 ? errno : EIO, "write /proc/%s", rel);
	return 0;
}

static char *format_map(const struct spec_idmap *m, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	fclose(f);
	return buf;
}

int step_id_maps(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	if (userns_rootless(c->plan))
		return userns_rootless_maps(c, err);
	_cleanup_free_ char *uid = format_map(c->uid_map, c->n_uid_map);
	_cleanup_free_ char *gid = format_map(c->gid_map, c->n_gid_map);
	char path[64];
	snprintf(path, sizeof(path), "%d/uid_map", (int)c->child);
	if (write_proc(c->proc_fd, path, uid, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%d/gid_map", (int)c->child);
	return write_proc(c->proc_fd, path, gid, err);
}

/* Offsets can only be written before a process enters the namespace, so
 * unshare (which affects children), write, then enter it ourselves. */
int step_time_offsets(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	if (unshare(CLONE_NEWTIME) < 0)
		return nsrun_error_set(err, errno, "unshare the time namespace");
	char buf[256];
	size_t len = 0;
	for (size_t i = 0; i < s->n_offsets; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %lld %u\n",
					s->offsets[i].clock == CLOCK_MONOTONIC ? "monotonic" : "boottime",
					(long long)s->offsets[i].secs, s->offsets[i].nanosecs);
	if (len && write_proc(c->proc_fd, "self/timens_offsets", buf, err) < 0)
		return -1;
	_cleanup_close_ int fd = openat(c->proc_fd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open the new time namespace");
	if (setns(fd, CLONE_NEWTIME) < 0)
		return nsrun_error_set(err, errno, "enter the new time namespace");
	return 0;
}

int step_hostname(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	if (sethostname(s->value, strlen(s->value)) < 0)
		return nsrun_error_set(err, errno, "sethostname");
	return 0;
}

int step_domainname(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	if (setdomainname(s->value, strlen(s->value)) < 0)
		return nsrun_error_set(err, errno, "setdomainname");
	return 0;
}
