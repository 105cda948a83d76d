/* nsrun shell NAME [CMD...] and nsrun login NAME: a process on a new pty
 * inside a running machine (the registry's) or OCI container (an id under
 * --root, as `nsrun list` shows both), joining all its namespaces and its
 * cgroup, with its capabilities and syscall filter: the machinery of
 * `nsrun exec` (plan_build for exec, then the executor), on the spec it
 * runs with. */
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "commands.h"
#include "exec.h"
#include "machine.h"
#include "state.h"

/* What a shell joins: a machine or an OCI container. */
struct join_target {
	char *name;
	char *spec_file;
	pid_t leader;
	char *cgroup;
};

static void join_target_free(struct join_target *t)
{
	free(t->name);
	free(t->spec_file);
	free(t->cgroup);
}

/* The OCI container ID under the state root: 1 found (or an error printed:
 * -1), 0 when there is none. */
static int oci_target(const char *id, struct join_target *t)
{
	struct nsrun_error err = { 0 };
	struct container_state st;
	int dirfd = -1;
	if (state_open_dir(machine_state_root(), id, &dirfd, &err) < 0)
		return 0;
	int rc = state_read(dirfd, &st, &err);
	close(dirfd);
	if (rc < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	rc = 1;
	if (st.status != STATUS_RUNNING && st.status != STATUS_CREATED) {
		cmd_error("container \"%s\" is %s: nothing to join", id, state_status_name(st.status));
		rc = -1;
	} else {
		*t = (struct join_target){ .name = xstrdup(id), .spec_file = xstrdup(st.config),
					   .leader = st.pid, .cgroup = st.cgroup ? xstrdup(st.cgroup) : NULL };
	}
	state_free(&st);
	return rc;
}

/* NAME: an OCI container id under the state root first (as kill and stop
 * take it), else a machine of the registry; prints the error. */
static int find_target(const char *name, struct join_target *t)
{
	int rc = oci_target(name, t);
	if (rc)
		return rc < 0 ? -1 : 0;
	struct machine_record r;
	struct nsrun_error err = { 0 };
	if (registry_read(machine_state_root(), name, &r, &err) < 0) {
		cmd_error("no machine or container \"%s\" is running (nsrun list shows them)", name);
		return -1;
	}
	rc = 0;
	if (!r.leader) {
		cmd_error("machine \"%s\" is still starting", name);
		rc = -1;
	} else {
		*t = (struct join_target){ .name = xstrdup(r.name), .leader = r.leader,
					   .spec_file = xasprintf("%s/.machines/%s.spec.json",
								  machine_state_root(), r.name),
					   .cgroup = r.cgroup ? xstrdup(r.cgroup) : NULL };
	}
	registry_record_free(&r);
	return rc;
}

static const char *term_name(void)
{
	const char *term = getenv("TERM");
	return term && *term ? term : "vt220";
}

/* The process: ARGS as root in "/", with a login's environment. */
static void set_process(struct spec_process *p, char **args, size_t n_args, bool tty)
{
	cmd_strv_set(&p->args, args, n_args);
	_cleanup_free_ char *term_kv = xasprintf("TERM=%s", term_name());
	char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"container=nsrun", "HOME=/root", "USER=root", "LOGNAME=root", term_kv };
	cmd_strv_set(&p->env, env, ARRAY_SIZE(env));
	p->terminal = tty;
	p->user.uid = p->user.gid = 0;
	free(p->cwd);
	p->cwd = xstrdup("/");
}

static int join_target(const struct join_target *t, char **args, size_t n_args, bool tty)
{
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	_cleanup_plan_ struct plan *plan = NULL;
	if (spec_load_file(t->spec_file, NULL, &spec, &err) < 0) {
		cmd_error("%s", err.msg);
		return NSRUN_EXIT_FAILURE;
	}
	set_process(&spec->process, args, n_args, tty);
	spec->boot = false; /* a process joining a booted machine is no init */
	const struct plan_invocation inv = { .exec_pid = t->leader, .warn = stderr };
	if (exec_plan_build(spec, &inv, &plan, &err) < 0) {
		cmd_error("%s", err.msg);
		return NSRUN_EXIT_FAILURE;
	}
	struct exec_options o = { .mode = EXEC_FOREGROUND, .id = t->name, .fifo_fd = -1, .lock_fd = -1,
				  .join_cgroup = t->cgroup };
	return cmd_run_plan_joined(plan, &o);
}

static int join_name(const char *name, char **args, size_t n_args, bool tty)
{
	struct join_target t;
	if (find_target(name, &t) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = join_target(&t, args, n_args, tty);
	join_target_free(&t);
	return status;
}

const char cmd_shell_help[] =
	"Run a login shell of root (or COMMAND) inside running machine NAME, or\n"
	"OCI container NAME (an id under --root), like machinectl shell: it joins\n"
	"every namespace and the cgroup, on a new pty when stdin is a terminal.\n"
	"Its exit status is nsrun's.\n";

int cmd_machine_shell(const struct verb_args *a)
{
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (a->n_operands > 1)
		return join_name(a->operands[0], a->operands + 1, (size_t)a->n_operands - 1, tty);
	char *shell[] = { "/bin/sh", "-c",
			  "s=$(getent passwd root 2>/dev/null | cut -d: -f7); exec \"${s:-/bin/sh}\" -l" };
	return join_name(a->operands[0], shell, ARRAY_SIZE(shell), tty);
}

/* The path of executable PROGRAM in one of the usual directories of the
 * root of process PID (resolved inside that root), or NULL. */
static char *program_in_root(pid_t pid, const char *program)
{
	static const char *const dirs[] = { "sbin", "usr/sbin", "bin", "usr/bin" };
	_cleanup_free_ char *root = xasprintf("/proc/%d/root", (int)pid);
	_cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *path = xasprintf("/%s/%s", dirs[i], program);
		struct open_how how = { .flags = O_PATH | O_CLOEXEC,
					.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
		_cleanup_close_ int fd = (int)syscall(SYS_openat2, rfd, path + 1, &how, sizeof(how));
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return path;
		free(path);
	}
	return NULL;
}

const char cmd_login_help[] =
	"A login prompt inside running machine NAME, or OCI container NAME, on a\n"
	"new pty (agetty, as machinectl login gives, else the tree's login),\n"
	"joining all its namespaces and its cgroup.  Leave with Ctrl-] three\n"
	"times (or log out).\n";

int cmd_machine_login(const struct verb_args *a)
{
	struct join_target t;
	if (find_target(a->operands[0], &t) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *getty = program_in_root(t.leader, "agetty");
	_cleanup_free_ char *login = getty ? NULL : program_in_root(t.leader, "login");
	if (getty) {
		char *args[] = { getty, "--noclear", "-8", "-", (char *)term_name() };
		status = join_target(&t, args, ARRAY_SIZE(args), true);
	} else if (login) {
		char *args[] = { login };
		status = join_target(&t, args, ARRAY_SIZE(args), true);
	} else {
		cmd_error("login: \"%s\" has no login program (agetty or login in /sbin, /usr/sbin, /bin "
			  "or /usr/bin); nsrun shell %s gives a shell", t.name, t.name);
	}
	join_target_free(&t);
	return status;
}
