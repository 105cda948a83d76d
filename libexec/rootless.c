/* Rootless nsrun (README "Rootless"): nsrun run by an ordinary user.  The
 * kernel lets it map its own uid and gid into a new user namespace (gids
 * only after setgroups is denied there); anything more goes through the
 * set-uid helpers newuidmap and newgidmap (Debian's uidmap), which check
 * the ranges against /etc/subuid and /etc/subgid. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-internal.h"

extern char **environ;

bool exec_rootless(void)
{
	static int cached = -1;
	if (cached >= 0)
		return cached;
	/* root of the host's user namespace maps all ids onto themselves */
	char buf[128] = "";
	_cleanup_close_ int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	unsigned long long in = 1, out = 1, count = 0;
	bool init_ns = n > 0 && sscanf(buf, "%llu %llu %llu", &in, &out, &count) == 3 && in == 0 &&
		       out == 0 && count == 4294967295ULL;
	cached = geteuid() != 0 || !init_ns;
	return cached;
}

bool userns_rootless(const struct plan *p)
{
	return p->new_userns && exec_rootless();
}

/* newuidmap PID C H S [C H S...]: the kernel's own check, through the helper. */
static int run_helper(const char *helper, pid_t pid, const struct spec_idmap *m, size_t n,
		      struct nsrun_error *err)
{
	const char *path = strcmp(helper, "newuidmap") == 0 ? "/usr/bin/newuidmap" : "/usr/bin/newgidmap";
	if (access(path, X_OK) < 0)
		return nsrun_error_set(err, 0, "the spec maps more than your own %s: that needs %s "
				       "(Debian package uidmap) and a range of yours in %s",
				       helper[3] == 'u' ? "uid" : "gid", path,
				       helper[3] == 'u' ? "/etc/subuid" : "/etc/subgid");
	size_t argc = 2 + 3 * n;
	char **argv = xcalloc(argc + 1, sizeof(char *));
	argv[0] = xstrdup(helper);
	argv[1] = xasprintf("%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		argv[2 + 3 * i] = xasprintf("%u", m[i].container_id);
		argv[3 + 3 * i] = xasprintf("%u", m[i].host_id);
		argv[4 + 3 * i] = xasprintf("%u", m[i].size);
	}
	pid_t h;
	int r = posix_spawn(&h, path, NULL, NULL, argv, environ), status = 0;
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	if (r != 0)
		return nsrun_error_set(err, r, "run %s", path);
	while (waitpid(h, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return nsrun_error_set(err, 0, "%s failed (its message is above): are the ranges of the "
				       "spec's mappings yours in %s?", path,
				       helper[3] == 'u' ? "/etc/subuid" : "/etc/subgid");
	return 0;
}

static bool only_own(const struct spec_idmap *m, size_t n, uint32_t id)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == id;
}

int userns_rootless_maps(struct exec_ctx *c, struct nsrun_error *err)
{
	char path[64], buf[64];
	if (only_own(c->uid_map, c->n_uid_map, geteuid())) {
		snprintf(path, sizeof(path), "%d/uid_map", (int)c->child);
		snprintf(buf, sizeof(buf), "%u %u 1\n", c->uid_map[0].container_id, (unsigned)geteuid());
		if (write_proc(c->proc_fd, path, buf, err) < 0)
			return -1;
	} else if (run_helper("newuidmap", c->child, c->uid_map, c->n_uid_map, err) < 0) {
		return -1;
	}
	if (only_own(c->gid_map, c->n_gid_map, getegid())) {
		/* the kernel wants setgroups denied before an unprivileged gid_map */
		snprintf(path, sizeof(path), "%d/setgroups", (int)c->child);
		if (write_proc(c->proc_fd, path, "deny", err) < 0)
			return -1;
		snprintf(path, sizeof(path), "%d/gid_map", (int)c->child);
		snprintf(buf, sizeof(buf), "%u %u 1\n", c->gid_map[0].container_id, (unsigned)getegid());
		return write_proc(c->proc_fd, path, buf, err);
	}
	return run_helper("newgidmap", c->child, c->gid_map, c->n_gid_map, err);
}

/* step_user: setgroups is denied in a namespace whose gid_map the caller
 * wrote itself; with no groups asked for there is nothing to set.  In
 * `nsrun exec` the host's /proc is closed by then: the container's is read. */
bool userns_setgroups_denied(const struct exec_ctx *c)
{
	char buf[16] = "";
	int saved = errno;
	_cleanup_close_ int fd = c->proc_fd >= 0 ?
		openat(c->proc_fd, "thread-self/setgroups", O_RDONLY | O_CLOEXEC) :
		open("/proc/thread-self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	errno = saved; /* the caller reports setgroups' errno */
	return n > 0 && strncmp(buf, "deny", 4) == 0;
}

/* The first range of `name` or `id` in /etc/subuid or /etc/subgid. */
static bool own_subids(const char *path, const char *name, unsigned id, uint32_t *start, uint32_t *count)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return false;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	char idstr[16];
	snprintf(idstr, sizeof(idstr), "%u", id);
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');
		unsigned long long s, n;
		if (!colon || sscanf(colon + 1, "%llu:%llu", &s, &n) != 2 || n == 0 || s + n > UINT32_MAX)
			continue;
		*colon = '\0';
		if ((name && strcmp(line, name) == 0) || strcmp(line, idstr) == 0) {
			*start = (uint32_t)s;
			*count = n > 65535 ? 65535 : (uint32_t)n;
			return true;
		}
	}
	return false;
}

static void rootless_map(struct spec_idmap **v, size_t *n, uint32_t own, bool sub, uint32_t start,
			 uint32_t count)
{
	*v = xrealloc(*v, 2 * sizeof(**v));
	(*v)[0] = (struct spec_idmap){ .container_id = 0, .host_id = own, .size = 1 };
	(*v)[1] = (struct spec_idmap){ .container_id = 1, .host_id = start, .size = count };
	*n = sub ? 2 : 1;
}

/* privateUsers "pick" run rootless: the caller's own uid and gid are the
 * container's root, and its /etc/subuid and /etc/subgid ranges (when it
 * has them) the container's ids 1..; no lock, the ranges are the user's. */
int userns_rootless_pick(struct exec_ctx *c, struct nsrun_error *err)
{
	(void)err;
	const char *name = getenv("USER");
	uint32_t us = 0, un = 0, gs = 0, gn = 0;
	bool su = own_subids("/etc/subuid", name, (unsigned)geteuid(), &us, &un);
	bool sg = own_subids("/etc/subgid", name, (unsigned)geteuid(), &gs, &gn);
	if (su && sg && un != gn)
		un = gn = un < gn ? un : gn;
	rootless_map(&c->uid_map, &c->n_uid_map, (uint32_t)geteuid(), su && sg, us, un);
	rootless_map(&c->gid_map, &c->n_gid_map, (uint32_t)getegid(), su && sg, gs, gn);
	return 0;
}
