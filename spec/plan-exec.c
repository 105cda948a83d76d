/* The plan of `nsrun exec`: see plan_exec_steps in plan.h. */
#include <sched.h>
#include <string.h>

#include "plan.h"

static bool kept_for_exec(enum plan_step_kind kind)
{
	return plan_step_flags(kind) & PLAN_STEP_EXEC; /* the FLAGS column of spec/steps.def */
}

void plan_exec_steps(struct plan *p, pid_t pid)
{
	/* pid and time last, as they apply to children */
	static const int order[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC,
				     CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWPID, CLONE_NEWTIME };
	static const char *const proc_names[] = { "user", "mnt", "uts", "ipc", "net", "cgroup",
						  "pid", "time" };
	/* the new steps, each with in_parent from spec/steps.def */
	struct plan e = { 0 };
	plan_add_step(&e, STEP_CLONE);
	/* nsrun moves it into the container's cgroup before it goes on */
	plan_add_step(&e, STEP_RELEASE);
	plan_add_step(&e, STEP_WAIT_PARENT);
	/* Every namespace is joined by a process the container cannot see
	 * (it is still in nsrun's pid namespace).  Then enter: drop the host's
	 * fds and fork into the pid and time namespaces (SECURITY.md rule 11). */
	for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
		if (!spec_find_namespace(p->spec, order[k]))
			continue;
		struct plan_step *s = plan_add_step(&e, STEP_JOIN_NS);
		s->ns_flags = order[k];
		s->path = xasprintf("/proc/%d/ns/%s", (int)pid, proc_names[k]);
	}
	/* The exec labels are written before the fork, which keeps them:
	 * they need the host's procfs, which the entered process has not. */
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_SELINUX_LABEL || p->steps[i].kind == STEP_APPARMOR_PROFILE) {
			*plan_add_step(&e, p->steps[i].kind) = p->steps[i];
			memset(&p->steps[i], 0, sizeof(p->steps[i]));
		}
	plan_add_step(&e, STEP_ENTER_PIDNS);
	if (p->terminal)
		plan_add_step(&e, STEP_CONSOLE); /* path NULL: no /dev/console */
	for (size_t i = 0; i < p->n_steps; i++) {
		if (kept_for_exec(p->steps[i].kind)) {
			*plan_add_step(&e, p->steps[i].kind) = p->steps[i];
			memset(&p->steps[i], 0, sizeof(p->steps[i]));
		} else {
			plan_step_clear(&p->steps[i]);
		}
	}
	free(p->steps);
	p->steps = e.steps;
	p->n_steps = e.n_steps;
	p->clone_flags = 0;
	p->new_userns = p->new_pidns = false;
	plan_cgroup_free(p->cgroup);
	p->cgroup = NULL;
	/* an exec'd process never inherits capabilities (CVE-2022-29162) */
	p->caps.inheritable = 0;
	p->caps.ambient = 0;
	p->exec_pid = pid;
}
