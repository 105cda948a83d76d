/* The process's credentials, limits and the final exec. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "exec-internal.h"

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
		if (cap <= SPEC_CAP_LAST && (c->plan->caps.bounding & (1ULL << cap)))
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
	/* Keep the permitted set across setuid; step_caps sets it exactly
	 * and clears keep-caps again. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setgroups(p->n_gids, (const gid_t *)p->gids) < 0 &&
	    !(errno == EPERM && p->n_gids == 0 && userns_setgroups_denied(c)))
		return nsrun_error_set(err, errno, "setgroups%s", userns_setgroups_denied(c) ?
				       " (denied in this user namespace: nsrun runs rootless and "
				       "mapped only your own gid)" : "");
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
	const struct spec_caps *want = &c->plan->caps;
	int r = 0;
	if (set_flag(caps, CAP_EFFECTIVE, want->effective) < 0 ||
	    set_flag(caps, CAP_PERMITTED, want->permitted) < 0 ||
	    set_flag(caps, CAP_INHERITABLE, want->inheritable) < 0)
		r = nsrun_error_set(err, errno, "cap_set_flag");
	else if (cap_set_proc(caps) < 0)
		r = nsrun_error_set(err, errno, "set the capability sets");
	cap_free(caps);
	if (r < 0)
		return r;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "clear the ambient set");
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
		if ((want->ambient & (1ULL << cap)) &&
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
	char buf[PATH_MAX];
	/* Through the root's fd, without magic links: "/proc/self/fd/N" naming
	 * an fd leaked from the host is refused, not followed (rule 4). */
	_cleanup_close_ int dir = resolve_in_root(c->root_fd, s->path, O_PATH | O_DIRECTORY, err);
	if (dir < 0)
		return nsrun_error_prefix(err, "chdir (the working directory must be a directory "
					  "inside the container, reached without /proc magic links): ");
	if (fchdir(dir) < 0)
		return nsrun_error_set(err, errno, "chdir %s", s->path);
	/* A cwd that escaped the root shows as "(unreachable)..." or fails. */
	errno = 0;
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return nsrun_error_set(err, errno ? errno : EPERM, "the working directory %s is not "
				       "inside the container", s->path);
	return 0;
}

/* LSM attributes are written through the verified host procfs (rule 3),
 * never through the container's /proc; what setexeccon() would do. */
static int write_attr(struct exec_ctx *c, const char *rel, const char *value, struct nsrun_error *err)
{
	_cleanup_close_ int fd = openat(c->proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc/%s", rel);
	size_t len = strlen(value);
	if (write(fd, value, len) != (ssize_t)len)
		return nsrun_error_set(err, errno, "write \"%s\" to /proc/%s", value, rel);
	return 0;
}

int step_selinux_label(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	return write_attr(c, "thread-self/attr/exec", s->value, err);
}

int step_apparmor_profile(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	_cleanup_free_ char *cmd = xasprintf("exec %s", s->value);
	struct nsrun_error first; /* the per-LSM attribute is missing before Linux 5.8 */
	if (write_attr(c, "thread-self/attr/apparmor/exec", cmd, &first) == 0)
		return 0;
	if (write_attr(c, "thread-self/attr/exec", cmd, err) == 0)
		return 0;
	return nsrun_error_prefix(err, "set the AppArmor profile %s: ", s->value);
}

/* Lowering oom_score_adj below what nsrun has needs CAP_SYS_RESOURCE (or
 * a lower floor set earlier by a privileged writer, which cannot be read):
 * try it on nsrun itself and put the old value back, so a refusal comes
 * before anything is created. */
int exec_check_oom_score_adj(struct exec_ctx *c, int64_t want, struct nsrun_error *err)
{
	char old[32] = "", buf[32];
	_cleanup_close_ int proc = open_verified_procfs(err);
	if (proc < 0)
		return -1;
	_cleanup_close_ int fd = openat(proc, "self/oom_score_adj", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc/self/oom_score_adj");
	ssize_t n = pread(fd, old, sizeof(old) - 1, 0);
	if (n <= 0)
		return nsrun_error_set(err, n < 0 ? errno : EIO, "read /proc/self/oom_score_adj");
	old[n] = '\0';
	if (want >= strtoll(old, NULL, 10))
		return 0;
	int len = snprintf(buf, sizeof(buf), "%lld", (long long)want);
	if (pwrite(fd, buf, (size_t)len, 0) != len)
		return nsrun_error_set(err, errno, "%s: /process/oomScoreAdj: %lld is below nsrun's own "
				       "oom_score_adj (%lld), and nsrun may not lower it (that needs "
				       "CAP_SYS_RESOURCE)", c->plan->spec->file, (long long)want,
				       strtoll(old, NULL, 10));
	if (pwrite(fd, old, (size_t)n, 0) != n)
		return nsrun_error_set(err, errno, "restore nsrun's oom_score_adj");
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
	int keep = c->opts->preserve_fds;
	if (syscall(SYS_close_range, 3 + keep, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nsrun_error_set(err, errno, "close_range");
	for (int fd = 3; fd < 3 + keep; fd++)
		if (fcntl(fd, F_SETFD, 0) < 0 && errno != EBADF)
			return nsrun_error_set(err, errno, "keep fd %d open", fd);
	if (sigprocmask(SIG_SETMASK, &c->orig_mask, NULL) < 0)
		return nsrun_error_set(err, errno, "restore the signal mask");
	return 0;
}

static int refuse_ioctl(scmp_filter_ctx f, unsigned long request)
{
	/* the kernel compares the low 32 bits of ioctl's request (rule 8) */
	return seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (scmp_datum_t)request));
}

int step_no_tiocsti(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	(void)s;
	if (!isatty(0) && !isatty(1) && !isatty(2))
		return 0;
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	if (!f)
		return nsrun_error_set(err, ENOMEM, "seccomp_init");
	/* every ABI this kernel runs, so a 32-bit ioctl() cannot go around it */
	static const uint32_t compat[] = {
#if defined(__x86_64__)
		SCMP_ARCH_X86, SCMP_ARCH_X32,
#elif defined(__aarch64__)
		SCMP_ARCH_ARM,
#endif
	};
	int r = seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(compat); i++) {
		r = seccomp_arch_add(f, compat[i]);
		if (r == -EEXIST)
			r = 0;
	}
	if (r == 0)
		r = refuse_ioctl(f, TIOCSTI);
	if (r == 0)
		r = refuse_ioctl(f, TIOCLINUX);
	if (r == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	if (r < 0)
		return nsrun_error_set(err, -r, "install the filter refusing TIOCSTI");
	return 0;
}

/* SECURITY.md rule 13: the container never shares the caller's session
 * keyring; a kernel without keys (ENOSYS) has nothing to share, and
 * neither has an nsrun whose every keyctl() is refused by a seccomp filter
 * (nsrun inside a booted machine: nspawn's filter has no @keyring), which
 * the container inherits. */
int exec_new_session_keyring(struct nsrun_error *err)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) >= 0 || errno == ENOSYS)
		return 0;
	int e = errno;
	if (e == EPERM && syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) < 0 &&
	    errno == EPERM)
		return 0;
	return nsrun_error_set(err, e, "join a new session keyring");
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#define NSRUN_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int copy_self(int from, int to)
{
	for (;;) {
		ssize_t n = sendfile(to, from, NULL, 1 << 20);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

int exec_seal_self(char **argv, struct nsrun_error *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return nsrun_error_set(err, errno, "open /proc/self/exe");
	int seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & NSRUN_SEALS) == NSRUN_SEALS) {
		unsetenv("NSRUN_SEALED");
		return 0;
	}
	char exe[64] = "";
	if (getenv("NSRUN_SEALED") && readlink("/proc/self/exe", exe, sizeof(exe) - 1) > 0 &&
	    strncmp(exe, "/memfd:", 7) == 0)
		return nsrun_error_set(err, 0, "the sealed copy of nsrun is not sealed");
	_cleanup_close_ int mfd = memfd_create("nsrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)
		mfd = memfd_create("nsrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return nsrun_error_set(err, errno, "memfd_create");
	if (copy_self(self, mfd) < 0)
		return nsrun_error_set(err, errno, "copy nsrun into a memfd");
	if (fcntl(mfd, F_ADD_SEALS, NSRUN_SEALS) < 0)
		return nsrun_error_set(err, errno, "seal the copy of nsrun");
	if (setenv("NSRUN_SEALED", "1", 1) < 0)
		return nsrun_error_set(err, errno, "setenv");
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	int e = errno;
	unsetenv("NSRUN_SEALED");
	return nsrun_error_set(err, e, "re-execute nsrun from a sealed memfd copy of itself%s",
			       e == EACCES || e == EPERM ? " (is the sysctl vm.memfd_noexec 2?)" : "");
}

/* Only execve from here on: the syscall filter, if any, is already in. */
int step_exec(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	char *const *inits = c->plan->init_candidates;
	if (inits) {
		/* boot: the first init the image has, argv[0] being its path */
		int best = ENOENT;
		char tried[512] = "";
		for (size_t i = 0; inits[i]; i++) {
			char *argv[] = { inits[i], NULL };
			execve(inits[i], argv, c->envp);
			int e = errno;
			size_t len = strlen(tried);
			snprintf(tried + len, sizeof(tried) - len, "%s%s", len ? ", " : "", inits[i]);
			if (e != ENOENT && e != ENOTDIR) {
				best = e;
				break;
			}
		}
		nsrun_error_set(err, best, "boot: exec of the container's init (tried %s)", tried);
		err->status = best == ENOENT ? NSRUN_EXIT_NOT_FOUND : NSRUN_EXIT_CANNOT_EXEC;
		return -1;
	}
	int e = exec_in_path(c->plan->argv, c->envp);
	nsrun_error_set(err, e, "exec %s", c->plan->argv[0]);
	err->status = e == ENOENT || e == ENOTDIR ? NSRUN_EXIT_NOT_FOUND : NSRUN_EXIT_CANNOT_EXEC;
	return -1;
}
