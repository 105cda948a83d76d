/* The process's credentials, limits and the final exec. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "config.h"
#include "exec-internal.h"
#if HAVE_SELINUX
#include <selinux/selinux.h>
#endif

int step_sysctl(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	/* "net.ipv4.ip_forward" -> sys/net/ipv4/ip_forward, through the verified
	 * procfs handle; files under /proc/sys follow the opener's namespaces. */
	_cleanup_free_ char *rel = xasprintf("sys/%s", s->path);
	for (char *p = rel + 4; *p; p++)
		if (*p == '.')
			*p = '/';
	_cleanup_close_ int fd = openat(c->proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc/%s", rel);
	size_t len = strlen(s->value);
	if (write(fd, s->value, len) != (ssize_t)len)
		return nsrun_error_set(err, errno, "write %s = %s", s->path, s->value);
	return 0;
}

int step_oom_score_adj(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lld", (long long)s->num);
	_cleanup_close_ int fd = openat(c->proc_fd, "self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc/self/oom_score_adj");
	if (write(fd, buf, (size_t)len) != len)
		return nsrun_error_set(err, errno, "write oom_score_adj %s", buf);
	return 0;
}

int step_rlimit(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	struct rlimit rl = { .rlim_cur = s->soft, .rlim_max = s->hard };
	if (setrlimit(s->resource, &rl) < 0)
		return nsrun_error_set(err, errno, "setrlimit %s", spec_rlimit_name(s->resource));
	return 0;
}

int step_personality(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	if (personality((unsigned long)s->num) < 0)
		return nsrun_error_set(err, errno, "personality");
	return 0;
}

int step_caps_bounding(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	int last = (int)cap_max_bits() - 1;
	for (int cap = 0; cap <= last; cap++) {
		if (cap <= SPEC_CAP_LAST && (c->caps_bounding & (1ULL << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return nsrun_error_set(err, errno, "drop %s from the bounding set",
					       spec_cap_name(cap) ? spec_cap_name(cap) : "?");
	}
	return 0;
}

int step_user(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	const struct plan *p = c->plan;
	/* Keep the permitted set across setuid; step_caps sets it exactly. */
	if (p->caps.given && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setgroups(p->n_gids, (const gid_t *)p->gids) < 0)
		return nsrun_error_set(err, errno, "setgroups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return nsrun_error_set(err, errno, "setresgid %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return nsrun_error_set(err, errno, "setresuid %u", p->uid);
	umask(p->has_umask ? p->umask : 022);
	return 0;
}

static int set_flag(cap_t caps, cap_flag_t flag, uint64_t mask)
{
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++) {
		cap_value_t v = cap;
		if ((mask & (1ULL << cap)) && cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int step_caps(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	cap_t caps = cap_init();
	if (!caps)
		return nsrun_error_set(err, errno, "cap_init");
	int r = 0;
	if (set_flag(caps, CAP_EFFECTIVE, c->caps_effective) < 0 ||
	    set_flag(caps, CAP_PERMITTED, c->caps_permitted) < 0 ||
	    set_flag(caps, CAP_INHERITABLE, c->caps_inheritable) < 0)
		r = nsrun_error_set(err, errno, "cap_set_flag");
	else if (cap_set_proc(caps) < 0)
		r = nsrun_error_set(err, errno, "set the capability sets");
	cap_free(caps);
	if (r < 0)
		return r;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "clear the ambient set");
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
		if ((c->caps_ambient & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return nsrun_error_set(err, errno, "raise %s in the ambient set", spec_cap_name(cap));
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");
	return 0;
}

int step_no_new_privs(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	(void)s;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

int step_cwd(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	char buf[PATH_MAX];
	if (chdir(s->path) < 0)
		return nsrun_error_set(err, errno, "chdir %s", s->path);
	/* A cwd that escaped the root shows as "(unreachable)..." or fails. */
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return nsrun_error_set(err, errno ? errno : EPERM, "the working directory %s is not "
				       "inside the container", s->path);
	return 0;
}

int step_selinux_label(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
#if HAVE_SELINUX
	if (setexeccon(s->value) < 0)
		return nsrun_error_set(err, errno, "setexeccon %s", s->value);
	return 0;
#else
	return nsrun_error_set(err, ENOTSUP, "nsrun was built without SELinux: cannot set %s", s->value);
#endif
}

int step_apparmor_profile(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	_cleanup_close_ int fd = openat(c->proc_fd, "self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = openat(c->proc_fd, "self/attr/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open the AppArmor exec attribute");
	_cleanup_free_ char *cmd = xasprintf("exec %s", s->value);
	if (write(fd, cmd, strlen(cmd)) < 0)
		return nsrun_error_set(err, errno, "set the AppArmor profile %s", s->value);
	return 0;
}

static const char *env_path(char *const *envp)
{
	for (size_t i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Look the program up in the container's PATH (not nsrun's) and exec it.
 * Returns only on failure, with errno of the most telling attempt. */
static int exec_in_path(char *const *argv, char *const *envp)
{
	const char *prog = argv[0];
	if (strchr(prog, '/')) {
		execve(prog, argv, envp);
		return errno;
	}
	int best = ENOENT;
	const char *path = env_path(envp);
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		char full[PATH_MAX];
		int len = snprintf(full, sizeof(full), "%.*s/%s", (int)(end - p), end == p ? "." : p, prog);
		if (len > 0 && (size_t)len < sizeof(full)) {
			execve(full, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR)
				best = errno; /* found but not runnable: say why */
		}
		if (!*end)
			break;
		p = end;
	}
	return best;
}

int step_stdio(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	/* A new session, never the caller's controlling terminal (rule 7). */
	if (setsid() < 0)
		return nsrun_error_set(err, errno, "setsid");
	if (c->console_slave >= 0) {
		if (ioctl(c->console_slave, TIOCSCTTY, 0) < 0)
			return nsrun_error_set(err, errno, "make the pty the controlling terminal");
		for (int fd = 0; fd < 3; fd++)
			if (dup2(c->console_slave, fd) < 0)
				return nsrun_error_set(err, errno, "dup2 the pty");
	}
	/* Nothing of nsrun's leaks into the program (rule 4); the sync socket
	 * closes at exec and so tells nsrun that exec worked. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nsrun_error_set(err, errno, "close_range");
	if (sigprocmask(SIG_SETMASK, &c->orig_mask, NULL) < 0)
		return nsrun_error_set(err, errno, "restore the signal mask");
	return 0;
}

/* Only execve from here on: the syscall filter, if any, is already in. */
int step_exec(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	int e = exec_in_path(c->plan->argv, c->plan->envp);
	nsrun_error_set(err, e, "exec %s", c->plan->argv[0]);
	err->status = e == ENOENT || e == ENOTDIR ? NSRUN_EXIT_NOT_FOUND : NSRUN_EXIT_CANNOT_EXEC;
	return -1;
}
