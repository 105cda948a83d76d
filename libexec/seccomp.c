/* STEP_SECCOMP: the syscall filters of the plan (spec/plan-seccomp.c).
 *
 * nsrun compiles each filter to BPF with libseccomp in the parent, before
 * clone, so that a filter libseccomp or the kernel cannot take is reported
 * before anything exists, and so that the container's PID 1 has nothing
 * left to do but call seccomp(2) right before execve (SECURITY.md rule 8):
 * no allocation, no memfd, nothing the first filter could deny to the
 * second.  nsrun loads the BPF itself rather than with seccomp_load(), so
 * that every flag the spec can name is honoured (libseccomp 2.5 has no
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) and no_new_privs stays the plan's
 * decision.
 *
 * SCMP_ACT_NOTIFY: the listener fd comes back from seccomp(2) in PID 1,
 * which passes it to nsrun over the sync socket; nsrun connects to
 * listenerPath (a path on the host) and sends it with the container
 * process state, as config-linux.md "Seccomp" says. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "exec-internal.h"
#include "oci-state.h"
#include "seccomp-names.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *prog, struct nsrun_error *err)
{
	_cleanup_close_ int fd = memfd_create("nsrun-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return nsrun_error_set(err, -r, "export the filter as BPF");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return nsrun_error_set(err, errno, "fstat the exported filter");
	size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
	if (n == 0 || n > BPF_MAXINSNS)
		return nsrun_error_set(err, 0, "the filter has %zu BPF instructions; the kernel takes "
				       "1 to %d", n, BPF_MAXINSNS);
	struct sock_filter *insns = xmalloc(n * sizeof(*insns));
	if (pread(fd, insns, n * sizeof(*insns), 0) != (ssize_t)(n * sizeof(*insns))) {
		free(insns);
		return nsrun_error_set(err, errno ? errno : EIO, "read the exported filter");
	}
	prog->len = (unsigned short)n;
	prog->filter = insns;
	return 0;
}

static int compile_now(const struct plan_seccomp *f, struct sock_fprog *prog, struct nsrun_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(f->default_action);
	int r;
	if (!ctx)
		return nsrun_error_set(err, EINVAL, "libseccomp refuses the default action");
	/* no_new_privs is the plan's decision (set_nnp); the binary tree keeps
	 * long allow lists fast and within BPF_MAXINSNS. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		seccomp_release(ctx);
		return nsrun_error_set(err, -r, "set the filter's attributes");
	}
	/* Architectures first: rules apply only to those present when added. */
	for (size_t i = 0; i < f->n_arches; i++) {
		r = seccomp_arch_add(ctx, f->arches[i]);
		if (r < 0 && r != -EEXIST) {
			seccomp_release(ctx);
			return nsrun_error_set(err, -r, "add the architecture %s",
					       spec_seccomp_arch_name(f->arches[i]));
		}
	}
	for (size_t i = 0; i < f->n_rules; i++) {
		const struct plan_seccomp_rule *rule = &f->rules[i];
		struct scmp_arg_cmp cmp[6];
		for (unsigned k = 0; k < rule->n_cmp; k++)
			cmp[k] = (struct scmp_arg_cmp){ rule->cmp[k].index, (enum scmp_compare)rule->cmp[k].op,
							rule->cmp[k].a, rule->cmp[k].b };
		int nr = seccomp_syscall_resolve_name(rule->syscall);
		r = nr == __NR_SCMP_ERROR ? -EINVAL :
		    seccomp_rule_add_array(ctx, rule->action, nr, rule->n_cmp, cmp);
		if (r < 0) {
			char act[64];
			spec_seccomp_action_format(rule->action, act, sizeof(act));
			seccomp_release(ctx);
			return nsrun_error_set(err, -r, "add the rule %s %s", rule->syscall, act);
		}
	}
	r = export_bpf(ctx, prog, err);
	seccomp_release(ctx);
	return r;
}

static int compile(const struct plan_seccomp *f, struct sock_fprog *prog, struct nsrun_error *err)
{
	if (seccomp_cache_load(f, prog))
		return 0;
	if (compile_now(f, prog, err) < 0)
		return -1;
	seccomp_cache_store(f, prog);
	return 0;
}

/* The kernel says which actions it has; better to know before clone. */
static int check_action(uint32_t action, struct nsrun_error *err)
{
	uint32_t kind = spec_seccomp_action_kind(action);
	uint32_t ret = kind == SCMP_ACT_ERRNO(0) ? SECCOMP_RET_ERRNO : kind == SCMP_ACT_TRACE(0) ?
		       SECCOMP_RET_TRACE : kind;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &ret) < 0 && errno == EOPNOTSUPP)
		return nsrun_error_set(err, 0, "this kernel does not support %s",
				       spec_seccomp_action_name(action));
	return 0;
}

int seccomp_preflight(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		if (s->kind != STEP_SECCOMP || s->skip_reason)
			continue;
		const struct plan_seccomp *f = s->seccomp;
		if (!c->seccomp_progs)
			c->seccomp_progs = xcalloc(p->n_steps, sizeof(*c->seccomp_progs));
		int r = check_action(f->default_action, err);
		for (size_t k = 0; r == 0 && k < f->n_rules; k++)
			r = check_action(f->rules[k].action, err);
		if (r < 0 || compile(f, &c->seccomp_progs[i], err) < 0)
			return nsrun_error_prefix(err, "step %zu seccomp: %s: ", i + 1, f->source);
	}
	return 0;
}

void seccomp_progs_free(struct exec_ctx *c)
{
	if (!c->seccomp_progs)
		return;
	for (size_t i = 0; i < c->plan->n_steps; i++)
		free(c->seccomp_progs[i].filter);
	free(c->seccomp_progs);
	c->seccomp_progs = NULL;
}

/* An early filter loads after the user switch: a uid other than 0 has an
 * empty effective set by then (keep-caps kept the permitted one), so raise
 * CAP_SYS_ADMIN for the load; step_caps sets the final sets after it. */
static int raise_sys_admin(const struct plan_seccomp *f, struct nsrun_error *err)
{
	cap_t caps = cap_get_proc();
	if (!caps)
		return nsrun_error_set(err, errno, "%s: cap_get_proc", f->source);
	cap_value_t v = CAP_SYS_ADMIN;
	int r = cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
	if (r == 0)
		r = cap_set_proc(caps);
	int e = errno;
	cap_free(caps);
	if (r < 0)
		return nsrun_error_set(err, e, "%s: raise CAP_SYS_ADMIN to load the filter without "
				       "no_new_privs", f->source);
	return 0;
}

int step_seccomp(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	const struct plan_seccomp *f = s->seccomp;
	struct sock_fprog *prog = c->seccomp_progs ? &c->seccomp_progs[c->step_index] : NULL;
	if (!prog || !prog->filter)
		return nsrun_error_set(err, EINVAL, "%s: the filter was not compiled before clone", f->source);
	if (f->early && raise_sys_admin(f, err) < 0)
		return -1;
	if (f->set_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsrun_error_set(err, errno, "%s: prctl(PR_SET_NO_NEW_PRIVS)", f->source);
	unsigned long flags = f->flags;
	if (f->listener) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
	if (fd < 0) {
		int e = errno;
		if (e == EACCES)
			return nsrun_error_set(err, e, "%s: load the filter: without no_new_privs this "
					       "needs CAP_SYS_ADMIN, which the process lacks", f->source);
		if (e == EINVAL && flags)
			return nsrun_error_set(err, e, "%s: load the filter (does this kernel know its "
					       "flags?)", f->source);
		return nsrun_error_set(err, e, "%s: load the filter", f->source);
	}
	if (!f->listener)
		return 0;
	struct sync_msg m = { .kind = SYNC_SECCOMP_LISTENER };
	int r = sync_send(c->sync_fd, &m, fd);
	int e = errno;
	close(fd);
	if (r < 0)
		return nsrun_error_set(err, e, "%s: hand the listener to nsrun", f->source);
	/* the program must not run before the agent has the listener: nsrun
	 * says when it has handed it over, or kills us */
	int passed;
	if (sync_recv(c->sync_fd, &m, &passed) != 1 || m.kind != SYNC_RELEASE)
		return nsrun_error_set(err, EPIPE, "%s: nsrun could not hand the listener over", f->source);
	return 0;
}

/* The container process state of config-linux.md, for the seccomp agent:
 * the container's OCI state inside (oci-state.h). */
static char *listener_state(const struct exec_ctx *c, const struct plan_seccomp *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort();
	fprintf(out, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d", NSRUN_OCI_VERSION,
		(int)c->child);
	if (f->listener_metadata) {
		fputs(",\"metadata\":", out);
		json_write_string(out, f->listener_metadata);
	}
	fputs(",\"state\":", out);
	struct oci_state st = oci_state_of_plan(c->plan, c->opts->id, "creating", c->child);
	oci_state_write(out, &st, OCI_STATE_COMPACT);
	fputc('}', out);
	fclose(out);
	return buf;
}

/* Connect to the agent and send it the state with the listener fd. */
static int send_to_agent(const struct exec_ctx *c, const struct plan_seccomp *f, int listener,
		   struct nsrun_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", f->listener_path);
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return nsrun_error_set(err, errno, "%s: connect to the seccomp agent at %s", f->source,
				       f->listener_path);
	_cleanup_free_ char *state = listener_state(c, f);
	size_t len = strlen(state), done = 0;
	while (done < len) {
		/* the fd goes with the first byte */
		ssize_t n = send_with_fd(sock, state + done, len - done, done == 0 ? listener : -1);
		if (n <= 0)
			return nsrun_error_set(err, errno, "%s: send the listener to the seccomp agent at %s",
					       f->source, f->listener_path);
		done += (size_t)n;
	}
	return 0;
}

int seccomp_forward_listener(struct exec_ctx *c, int listener, struct nsrun_error *err)
{
	const struct plan_seccomp *f = NULL;
	size_t step = 0;
	for (size_t i = 0; i < c->plan->n_steps && !f; i++)
		if (c->plan->steps[i].kind == STEP_SECCOMP && c->plan->steps[i].seccomp->listener) {
			f = c->plan->steps[i].seccomp;
			step = i + 1;
		}
	if (!f)
		return nsrun_error_set(err, 0, "the container's PID 1 sent a seccomp listener nobody "
				       "asked for");
	if (send_to_agent(c, f, listener, err) < 0)
		return nsrun_error_prefix(err, "step %zu seccomp: ", step);
	return 0;
}
