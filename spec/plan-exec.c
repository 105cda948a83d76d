/* The plan of `nsrun exec`: see plan_exec_steps in plan.h. */
#include <sched.h>
#include <string.h>

#include "plan.h"

static bool kept_for_exec(enum plan_step_kind kind)
{
	return plan_step_flags(kind) & PLAN_STEP_EXEC; /* the FLAGS column of spec/steps.def */
}

static struct plan_step *push(struct plan_step **v, size_t *n, enum plan_step_kind kind, bool parent)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	struct plan_step *s = &(*v)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->in_parent = parent;
	return s;
}

void plan_exec_steps(struct plan *p, pid_t pid)
{
	const struct spec_linux *l = &p->spec->linux_;
	bool has[8] = { 0 };
	static const int order[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC,
				     CLONE_NEWNET, CLONE_NEWCGROUP };
	static const char *const proc_names[] = { "user", "mnt", "uts", "ipc", "net", "cgroup" };
	struct plan_step *v = NULL;
	size_t n = 0;
	bool pidns = false, timens = false;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		pidns |= l->namespaces[i].type == CLONE_NEWPID;
		timens |= l->namespaces[i].type == CLONE_NEWTIME;
		for (size_t k = 0; k < ARRAY_SIZE(order); k++)
			has[k] |= l->namespaces[i].type == order[k];
	}
	push(&v, &n, STEP_CLONE, true);
	/* nsrun moves it into the container's cgroup before it goes on */
	push(&v, &n, STEP_RELEASE, true);
	push(&v, &n, STEP_WAIT_PARENT, false);
	/* Every namespace is joined by a process the container cannot see
	 * (it is still in nsrun's pid namespace); pid and time last, as they
	 * apply to children.  Then enter: drop the host's fds and fork into
	 * them (SECURITY.md rule 11). */
	for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
		if (!has[k])
			continue;
		struct plan_step *s = push(&v, &n, STEP_JOIN_NS, false);
		s->ns_flags = order[k];
		s->path = xasprintf("/proc/%d/ns/%s", (int)pid, proc_names[k]);
	}
	if (pidns) {
		struct plan_step *s = push(&v, &n, STEP_JOIN_NS, false);
		s->ns_flags = CLONE_NEWPID;
		s->path = xasprintf("/proc/%d/ns/pid", (int)pid);
	}
	if (timens) {
		struct plan_step *s = push(&v, &n, STEP_JOIN_NS, false);
		s->ns_flags = CLONE_NEWTIME;
		s->path = xasprintf("/proc/%d/ns/time", (int)pid);
	}
	/* The exec labels are written before the fork, which keeps them:
	 * they need the host's procfs, which the entered process has not. */
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_SELINUX_LABEL || p->steps[i].kind == STEP_APPARMOR_PROFILE) {
			*push(&v, &n, p->steps[i].kind, false) = p->steps[i];
			memset(&p->steps[i], 0, sizeof(p->steps[i]));
		}
	push(&v, &n, STEP_ENTER_PIDNS, false);
	if (p->terminal)
		push(&v, &n, STEP_CONSOLE, false); /* path NULL: no /dev/console */
	for (size_t i = 0; i < p->n_steps; i++) {
		if (kept_for_exec(p->steps[i].kind)) {
			struct plan_step *s = push(&v, &n, p->steps[i].kind, false);
			*s = p->steps[i];
			memset(&p->steps[i], 0, sizeof(p->steps[i]));
		} else {
			plan_step_clear(&p->steps[i]);
		}
	}
	free(p->steps);
	p->steps = v;
	p->n_steps = n;
	p->clone_flags = 0;
	p->new_userns = p->new_pidns = false;
	plan_cgroup_free(p->cgroup);
	p->cgroup = NULL;
	/* an exec'd process never inherits capabilities (CVE-2022-29162) */
	p->caps.inheritable = 0;
	p->caps.ambient = 0;
	p->exec_pid = pid;
}
