/* nsrun shell NAME [CMD...] and nsrun login NAME: a process on a new pty
 * inside a running machine, joining all its namespaces and its cgroup, with
 * its capabilities and syscall filter: the machinery of `nsrun exec`
 * (plan_build for exec, then the executor), on the spec the machine runs with,
 * kept in the registry. */
#include <string.h>

#include "commands.h"
#include "exec.h"
#include "machine.h"

static int join_machine(const char *name, char **args, size_t n_args, bool tty)
{
	struct machine_record r;
	struct nsrun_error err = { 0 };
	if (registry_read(machine_state_root(), name, &r, &err) < 0) {
		cmd_error("%s", err.msg);
		return NSRUN_EXIT_FAILURE;
	}
	int status = NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *spec_file = xasprintf("%s/.machines/%s.spec.json", machine_state_root(), r.name);
	struct spec *spec = NULL;
	struct plan *plan = NULL;
	_cleanup_free_ char *term_kv = NULL;
	if (!r.leader) {
		cmd_error("machine \"%s\" is still starting", name);
		goto out;
	}
	if (spec_load_file(spec_file, NULL, &spec, &err) < 0) {
		cmd_error("%s", err.msg);
		goto out;
	}
	struct spec_process *p = &spec->process;
	cmd_strv_set(&p->args, args, n_args);
	const char *term = getenv("TERM");
	term_kv = xasprintf("TERM=%s", term && *term ? term : "vt220");
	char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"container=nsrun", "HOME=/root", "USER=root", "LOGNAME=root", term_kv };
	cmd_strv_set(&p->env, env, ARRAY_SIZE(env));
	p->terminal = tty;
	p->user.uid = p->user.gid = 0;
	free(p->cwd);
	p->cwd = xstrdup("/");
	spec->boot = false; /* a process joining a booted machine is no init */
	struct plan_host host;
	exec_probe_host_facts(&host);
	const struct plan_invocation inv = { .exec_pid = r.leader, .warn = stderr };
	if (plan_build(TAKE_PTR(spec), &inv, &host, &plan, &err) < 0) {
		cmd_error("%s", err.msg);
		goto out;
	}
	struct exec_options o = { .mode = EXEC_FOREGROUND, .id = r.name, .fifo_fd = -1, .lock_fd = -1,
				  .join_cgroup = r.cgroup };
	status = cmd_run_plan_joined(plan, &o);
out:
	spec_free(spec);
	plan_free(plan);
	registry_record_free(&r);
	return status;
}

const char cmd_shell_help[] =
	"Run a login shell of root (or COMMAND) inside running machine NAME, like\n"
	"machinectl shell: it joins every namespace and the cgroup of the machine,\n"
	"on a new pty when stdin is a terminal.  Its exit status is nsrun's.\n";

int cmd_machine_shell(const struct verb_args *a)
{
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (a->n_operands > 1)
		return join_machine(a->operands[0], a->operands + 1, (size_t)a->n_operands - 1, tty);
	char *shell[] = { "/bin/sh", "-c", "exec \"$(getent passwd root | cut -d: -f7 || echo /bin/sh)\" -l" };
	return join_machine(a->operands[0], shell, ARRAY_SIZE(shell), tty);
}

const char cmd_login_help[] =
	"A login prompt inside running machine NAME on a new pty (agetty, as\n"
	"machinectl login gives), joining all its namespaces and its cgroup.\n"
	"Leave with Ctrl-] three times (or log out).\n";

int cmd_machine_login(const struct verb_args *a)
{
	static const char getty_script[] = "if command -v agetty >/dev/null; then exec agetty "
					   "--noclear -8 - \"${TERM:-vt220}\"; else exec login; fi";
	char *getty[] = { "/bin/sh", "-c", (char *)getty_script };
	return join_machine(a->operands[0], getty, ARRAY_SIZE(getty), true);
}
