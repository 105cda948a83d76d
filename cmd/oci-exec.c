/* nsrun exec: a process joining a running container (and the plan run
 * that `shell` and `login` share). */
#include <string.h>

#include "commands.h"
#include "exec.h"
#include "plan.h"
#include "state.h"

void cmd_strv_set(struct spec_strv *v, char **items, size_t n)
{
	spec_strv_free(v);
	v->v = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		v->v[i] = xstrdup(items[i]);
	v->n = n;
}

/* The exec'd process: --process FILE, or the container's process with the
 * command line's changes. */
static int exec_process(struct spec *spec, const struct verb_args *a, struct nsrun_error *err)
{
	struct spec_process *p = &spec->process;
	if (a->process_file && spec_load_process_file(a->process_file, stderr, spec, err) < 0)
		return -1;
	if (a->n_operands > 1)
		cmd_strv_set(&p->args, a->operands + 1, (size_t)a->n_operands - 1);
	for (size_t i = 0; i < a->n_env; i++) {
		size_t klen = (size_t)(strchr(a->env[i], '=') - a->env[i]) + 1;
		size_t k;
		for (k = 0; k < p->env.n; k++)
			if (strncmp(p->env.v[k], a->env[i], klen) == 0)
				break;
		if (k == p->env.n) {
			p->env.v = xrealloc(p->env.v, (p->env.n + 2) * sizeof(char *));
			p->env.v[p->env.n++] = NULL;
			p->env.v[p->env.n] = NULL;
		}
		free(p->env.v[k]);
		p->env.v[k] = xstrdup(a->env[i]);
	}
	if (a->cwd) {
		if (a->cwd[0] != '/')
			return nsrun_error_set(err, 0, "--cwd must be an absolute path, got \"%s\"", a->cwd);
		free(p->cwd);
		p->cwd = xstrdup(a->cwd);
	}
	if (a->user) {
		uint32_t uid, gid = 0;
		bool has_gid;
		if (spec_parse_uid_gid(a->user, &uid, &gid, &has_gid) < 0)
			return nsrun_error_set(err, 0, "--user: expected UID[:GID] with numbers from 0 to "
					       "2147483647, got \"%s\"", a->user);
		p->user.uid = uid;
		if (has_gid)
			p->user.gid = gid;
	}
	if (a->tty)
		p->terminal = true;
	else if (!a->process_file)
		p->terminal = false;
	return 0;
}

int cmd_run_plan_joined(struct plan *plan, struct exec_options *o)
{
	struct nsrun_error err = { 0 };
	int exit_status = 0;
	if (exec_run_plan(plan, o, &exit_status, &err) < 0) {
		cmd_error("%s", err.msg);
		return err.status ? err.status : NSRUN_EXIT_FAILURE;
	}
	free(o->cgroup);
	return exit_status;
}

const char cmd_exec_help[] =
	"Run a process in running container ID: it joins every namespace, the cgroup,\n"
	"the capability sets (never inheritable ones), the syscall filters and the\n"
	"labels of the container.  Its exit status is nsrun's unless --detach.\n"
	"  -p, --process FILE      the process as an OCI process object (JSON)\n"
	"  -t, --tty               give it a pty\n"
	"  --cwd DIR               working directory\n"
	"  -e, --env KEY=VALUE     add or replace an environment variable\n"
	"  -u, --user UID[:GID]    run as this user\n"
	"  -d, --detach            return once it runs\n"
	"  --pid-file FILE         write its host pid here\n"
	"  --console-socket PATH   with --tty and --detach, send the pty master here\n"
	"  --preserve-fds N        pass fds 3 .. 3+N-1\n";

int cmd_exec(const struct verb_args *a)
{
	const char *id = a->operands[0];
	if (!a->process_file && a->n_operands < 2) {
		cmd_error("exec: give a command, or --process FILE");
		return NSRUN_EXIT_FAILURE;
	}
	struct container_state st;
	if (cmd_load_container(id, NULL, &st) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = NSRUN_EXIT_FAILURE;
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	struct plan *plan = NULL;
	if (st.status != STATUS_RUNNING && st.status != STATUS_CREATED) {
		cmd_error("container \"%s\" is %s: cannot exec in it", id, state_status_name(st.status));
		goto out;
	}
	if (spec_load_file(st.config, NULL, &spec, &err) < 0 || exec_process(spec, a, &err) < 0) {
		spec_free(spec);
		cmd_error("%s", err.msg);
		goto out;
	}
	const struct plan_invocation inv = { .exec_pid = st.pid, .warn = stderr };
	if (exec_plan_build(spec, &inv, &plan, &err) < 0) {
		cmd_error("%s", err.msg);
		goto out;
	}
	if (plan->terminal && a->detach && !a->console_socket) {
		cmd_error("exec: --tty with --detach needs --console-socket");
		goto out;
	}
	struct exec_options o = { .mode = a->detach ? EXEC_DETACH : EXEC_FOREGROUND, .id = id,
				  .pid_file = a->pid_file, .console_socket = a->console_socket,
				  .preserve_fds = a->preserve_fds, .fifo_fd = -1, .lock_fd = -1,
				  .join_cgroup = st.cgroup };
	status = cmd_run_plan_joined(plan, &o);
out:
	plan_free(plan);
	state_free(&st);
	return status;
}
