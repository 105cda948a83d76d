/* Checks in the parent before anything is created: the host objects the
 * plan names (root.path, limits nsrun may not raise, the oom score, the
 * boot's, network's and syscall filters' preparations) and what the plan
 * asks of the host facts it was built from (plan->host).  Nothing here
 * changes the plan. */
#include <errno.h>
#include <fcntl.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "exec-internal.h"
#include "net.h"

int exec_check_apparmor(const struct plan *p, struct nsrun_error *err)
{
	for (size_t i = 0; !p->host.apparmor && i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		if (s->kind == STEP_APPARMOR_PROFILE && !s->skip_reason)
			return nsrun_error_set(err, 0, "%s: /process/apparmorProfile \"%s\": %s, and the "
					       "container would run unconfined; refused (the annotation "
					       "\"run.nsrun.apparmor\": \"optional\" runs it without the "
					       "profile)", p->spec->file, s->value, PLAN_NO_APPARMOR);
	}
	return 0;
}

/* Opened here, by the host's root, so that a user-namespaced container
 * needs no search permission on the directories above it. */
static int open_rootfs(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	struct stat st;
	c->rootfs_fd = open(p->rootfs, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (c->rootfs_fd < 0)
		return nsrun_error_set(err, errno, "%s: root.path %s", p->spec->file, p->rootfs);
	if (fstat(c->rootfs_fd, &st) < 0)
		return nsrun_error_set(err, errno, "%s: root.path %s", p->spec->file, p->rootfs);
	if (S_ISLNK(st.st_mode))
		return nsrun_error_set(err, 0, "%s: root.path %s is a symlink; give the directory itself",
				       p->spec->file, p->rootfs);
	if (!S_ISDIR(st.st_mode))
		return nsrun_error_set(err, 0, "%s: root.path %s is not a directory", p->spec->file,
				       p->rootfs);
	return 0;
}

/* The spec's own capabilities (not nspawn's defaults, which the plan
 * clamped) must all be in nsrun's bounding set. */
static int check_caps(const struct plan *p, struct nsrun_error *err)
{
	if (p->caps_from_defaults || !p->caps.given)
		return 0;
	uint64_t wanted = p->caps.permitted | p->caps.effective | p->caps.inheritable | p->caps.ambient;
	uint64_t missing = wanted & ~p->host.bounding;
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
		if (missing & (1ULL << cap))
			return nsrun_error_set(err, 0, "%s: /process/capabilities: %s is not in nsrun's "
					       "own bounding set, so the container cannot have it",
					       p->spec->file, spec_cap_name(cap));
	return 0;
}

/* A hard limit above ours needs CAP_SYS_RESOURCE, which this host may not
 * give: say so now rather than failing half-way (unless can_raise, nsrun
 * having it where the limits are set). */
static int check_rlimit(const struct plan *p, const struct plan_step *s, bool can_raise,
			struct nsrun_error *err)
{
	struct rlimit cur;
	if (can_raise || getrlimit(s->resource, &cur) < 0)
		return 0;
	if (cur.rlim_max != RLIM_INFINITY && (s->hard > cur.rlim_max || s->hard == RLIM_INFINITY))
		return nsrun_error_set(err, 0, "%s: /process/rlimits: the hard limit of %s (%llu) is "
				       "above nsrun's own (%llu), and nsrun lacks CAP_SYS_RESOURCE to "
				       "raise it", p->spec->file, spec_rlimit_name(s->resource),
				       (unsigned long long)s->hard, (unsigned long long)cur.rlim_max);
	return 0;
}

int exec_preflight(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	if (exec_check_apparmor(p, err) < 0 || open_rootfs(c, err) < 0 || check_caps(p, err) < 0)
		return -1;
	const uint64_t sys_resource = 1ULL << CAP_SYS_RESOURCE;
	bool can_raise = (p->host.bounding & p->host.effective & sys_resource) && !p->new_userns;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		if (s->kind == STEP_OOM_SCORE_ADJ && exec_check_oom_score_adj(c, s->num, err) < 0)
			return -1;
		if (s->kind == STEP_RLIMIT && check_rlimit(p, s, can_raise, err) < 0)
			return -1;
	}
	if (exec_boot_prepare(c, err) < 0 || net_preflight(c, err) < 0)
		return -1;
	return seccomp_preflight(c, err);
}
