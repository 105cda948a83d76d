/* More OCI verbs: exec, ps, pause, resume, update, features. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups.h"
#include "commands.h"
#include "config.h"
#include "exec.h"
#include "plan.h"
#include "state.h"

#if HAVE_SELINUX
#define HAVE_SELINUX_JSON "true"
#else
#define HAVE_SELINUX_JSON "false"
#endif

/* Open, lock, read; prints errors.  The lock is released before long work. */
static int load_state(const char *id, struct container_state *st)
{
	struct nsrun_error err = { 0 };
	int dirfd;
	if (state_open_dir(oci_global.root, id, &dirfd, &err) < 0 || state_read(dirfd, st, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	close(dirfd);
	if (!st->id)
		st->id = xstrdup(id);
	return 0;
}

static const char exec_usage[] =
	"Usage: nsrun [GLOBAL OPTIONS] exec [OPTIONS] ID [COMMAND [ARGS...]]\n"
	"\n"
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

struct exec_args {
	const char *process_file, *cwd, *user, *pid_file, *console_socket, *id;
	bool tty, detach;
	int preserve_fds;
	char **env;
	size_t n_env;
	char **args;
	int n_args;
};

static int parse_exec(int argc, char **argv, struct exec_args *a)
{
	memset(a, 0, sizeof(*a));
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		const char *eq = strchr(arg, '=');
		_cleanup_free_ char *name = eq && arg[1] == '-' ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
		const char *val = eq && arg[1] == '-' ? eq + 1 : NULL;
		static const char *const valued[] = { "--process", "-p", "--cwd", "--env", "-e", "--user",
			"-u", "--pid-file", "--console-socket", "--preserve-fds", "--process-label",
			"--apparmor", "--cap", "-c", "--cgroup" };
		bool takes = false;
		for (size_t k = 0; k < ARRAY_SIZE(valued); k++)
			takes |= strcmp(name, valued[k]) == 0;
		if (takes && !val) {
			if (i + 1 >= argc) {
				cmd_error("option %s needs a value", name);
				return -1;
			}
			val = argv[++i];
		}
		if (!strcmp(name, "--process") || !strcmp(name, "-p"))
			a->process_file = val;
		else if (!strcmp(name, "--cwd"))
			a->cwd = val;
		else if (!strcmp(name, "--env") || !strcmp(name, "-e")) {
			if (!strchr(val, '=') || val[0] == '=') {
				cmd_error("--env: expected KEY=VALUE, got \"%s\"", val);
				return -1;
			}
			a->env = xrealloc(a->env, (a->n_env + 1) * sizeof(char *));
			a->env[a->n_env++] = (char *)val;
		} else if (!strcmp(name, "--user") || !strcmp(name, "-u"))
			a->user = val;
		else if (!strcmp(name, "--pid-file"))
			a->pid_file = val;
		else if (!strcmp(name, "--console-socket"))
			a->console_socket = val;
		else if (!strcmp(name, "--preserve-fds")) {
			/* as `nsrun run`: a negative count would close stdio, a
			 * huge one loop for ever over fcntl */
			char *end;
			long n = strtol(val, &end, 10);
			if (!*val || *end || n < 0 || n > 1000) {
				cmd_error("--preserve-fds: expected a number from 0 to 1000, got \"%s\"", val);
				return -1;
			}
			a->preserve_fds = (int)n;
		}
		else if (!strcmp(name, "--tty") || !strcmp(name, "-t"))
			a->tty = true;
		else if (!strcmp(name, "--detach") || !strcmp(name, "-d"))
			a->detach = true;
		else if (!strcmp(name, "--no-new-privs") || !strcmp(name, "--ignore-paused"))
			;
		else if (takes) {
			cmd_error("exec: %s is not supported yet", name);
			return -1;
		} else {
			cmd_error("exec: unknown option '%s'", arg);
			return -1;
		}
	}
	if (i >= argc) {
		cmd_error("exec: a container id is required");
		return -1;
	}
	a->id = argv[i++];
	a->args = argv + i;
	a->n_args = argc - i;
	if (!a->process_file && a->n_args == 0) {
		cmd_error("exec: give a command, or --process FILE");
		return -1;
	}
	return 0;
}

/* The exec'd process: --process FILE, or the container's process with the
 * command line's changes. */
static int exec_process(struct spec *spec, const struct exec_args *a, struct nsrun_error *err)
{
	struct spec_process *p = &spec->process;
	if (a->process_file && spec_load_process_file(a->process_file, stderr, spec, err) < 0)
		return -1;
	if (a->n_args) {
		spec_strv_free(&p->args);
		p->args.v = xcalloc((size_t)a->n_args + 1, sizeof(char *));
		for (int i = 0; i < a->n_args; i++)
			p->args.v[i] = xstrdup(a->args[i]);
		p->args.n = (size_t)a->n_args;
	}
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

int cmd_exec(int argc, char **argv)
{
	if (cmd_wants_help(argc, argv) && (argc < 2 || argv[1][0] == '-')) {
		fputs(exec_usage, stdout);
		return 0;
	}
	struct exec_args a;
	if (parse_exec(argc, argv, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	struct container_state st;
	_cleanup_free_ __attribute__((unused)) char **env = a.env;  /* frees a.env */
	if (load_state(a.id, &st) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = NSRUN_EXIT_FAILURE;
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	struct plan *plan = NULL;
	if (st.status != STATUS_RUNNING && st.status != STATUS_CREATED) {
		cmd_error("container \"%s\" is %s: cannot exec in it", a.id, state_status_name(st.status));
		goto out;
	}
	if (spec_load_file(st.config, NULL, &spec, &err) < 0 || exec_process(spec, &a, &err) < 0) {
		spec_free(spec);
		cmd_error("%s", err.msg);
		goto out;
	}
	if (plan_build(spec, 0, NULL, &plan, &err) < 0 || plan_make_exec(plan, st.pid, &err) < 0) {
		cmd_error("%s", err.msg);
		goto out;
	}
	if (plan->terminal && a.detach && !a.console_socket) {
		cmd_error("exec: --tty with --detach needs --console-socket");
		goto out;
	}
	struct exec_options o = { .mode = a.detach ? EXEC_DETACH : EXEC_FOREGROUND, .id = a.id,
				  .pid_file = a.pid_file, .console_socket = a.console_socket,
				  .preserve_fds = a.preserve_fds, .fifo_fd = -1, .lock_fd = -1,
				  .join_cgroup = st.cgroup };
	int exit_status = 0;
	if (exec_run_plan(plan, &o, &exit_status, &err) < 0) {
		cmd_error("%s", err.msg);
		if (err.status)
			status = err.status;
		goto out;
	}
	free(o.cgroup);
	status = a.detach ? 0 : exit_status;
out:
	plan_free(plan);
	state_free(&st);
	return status;
}

/* --- ps ---------------------------------------------------------------- */

static bool same_pidns(pid_t a, pid_t b)
{
	char pa[64], pb[64];
	struct stat sa, sb;
	snprintf(pa, sizeof(pa), "/proc/%d/ns/pid", (int)a);
	snprintf(pb, sizeof(pb), "/proc/%d/ns/pid", (int)b);
	return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

/* The container's processes: its cgroup's, or those in its pid namespace. */
static int container_pids(const struct container_state *st, pid_t **out, size_t *n,
			  struct nsrun_error *err)
{
	*out = NULL;
	*n = 0;
	if (st->cgroup) {
		struct cgroup_handle *h = NULL;
		int r = cgroup_state_from_string(st->cgroup, &h, err);
		if (r == 0)
			r = cgroup_pids(h, out, n, err);
		if (h)
			cgroup_handle_free(h);
		return r;
	}
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid == st->pid || (same_pidns(pid, st->pid) && !same_pidns(pid, getpid()))) {
			*out = xrealloc(*out, (*n + 1) * sizeof(pid_t));
			(*out)[(*n)++] = pid;
		}
	}
	return 0;
}

int cmd_ps(int argc, char **argv)
{
	static const char usage[] = "Usage: nsrun ps [--format table|json] ID\n\n"
		"List the processes of container ID (host pids).\n";
	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	bool json = false;
	const char *id = NULL;
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) && i + 1 < argc)
			json = !strcmp(argv[++i], "json");
		else if (!strcmp(argv[i], "--format=json"))
			json = true;
		else if (!strcmp(argv[i], "--format=table"))
			json = false;
		else if (!id && argv[i][0] != '-')
			id = argv[i];
		else {
			fputs(usage, stderr);
			return NSRUN_EXIT_FAILURE;
		}
	}
	if (!id) {
		fputs(usage, stderr);
		return NSRUN_EXIT_FAILURE;
	}
	struct container_state st;
	if (load_state(id, &st) < 0)
		return 1;
	struct nsrun_error err = { 0 };
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int status = 0;
	if (st.status == STATUS_STOPPED) {
		cmd_error("container \"%s\" is not running", id);
		status = 1;
	} else if (container_pids(&st, &pids, &n, &err) < 0) {
		cmd_error("%s", err.msg);
		status = 1;
	} else if (json) {
		fputs("[", stdout);
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		fputs("]\n", stdout);
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			char path[64], comm[256] = "?";
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
			FILE *f = fopen(path, "re");
			if (f) {
				if (fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				fclose(f);
			}
			/* the container names its processes: no escape sequences
			 * reach the caller's terminal */
			_cleanup_free_ char *safe = nsrun_escape(comm);
			printf("%-8d %s\n", (int)pids[i], safe);
		}
	}
	state_free(&st);
	return status;
}

/* --- pause, resume, update ---------------------------------------------- */

static int with_cgroup(const char *id, struct container_state *st, struct cgroup_handle **h)
{
	struct nsrun_error err = { 0 };
	if (load_state(id, st) < 0)
		return -1;
	if (st->status == STATUS_STOPPED) {
		cmd_error("container \"%s\" is not running", id);
		return -1;
	}
	if (!st->cgroup) {
		cmd_error("container \"%s\" has no cgroup of its own (its spec sets no linux.resources "
			  "or linux.cgroupsPath)", id);
		return -1;
	}
	if (cgroup_state_from_string(st->cgroup, h, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static int freeze(int argc, char **argv, bool frozen)
{
	if (cmd_wants_help(argc, argv) || argc != 2) {
		fprintf(argc == 2 ? stdout : stderr, "Usage: nsrun %s ID\n\n%s every process of "
			"container ID (the cgroup freezer).\n", frozen ? "pause" : "resume",
			frozen ? "Freeze" : "Thaw");
		return argc == 2 ? 0 : NSRUN_EXIT_FAILURE;
	}
	struct container_state st;
	struct cgroup_handle *h = NULL;
	struct nsrun_error err = { 0 };
	int status = 1;
	if (with_cgroup(argv[1], &st, &h) == 0) {
		if (cgroup_freeze(h, frozen, &err) < 0)
			cmd_error("%s", err.msg);
		else
			status = 0;
	}
	if (h)
		cgroup_handle_free(h);
	state_free(&st);
	return status;
}

int cmd_pause(int argc, char **argv) { return freeze(argc, argv, true); }
int cmd_resume(int argc, char **argv) { return freeze(argc, argv, false); }

int cmd_update(int argc, char **argv)
{
	static const char usage[] = "Usage: nsrun update --resources FILE ID\n\n"
		"Change the cgroup limits of container ID; FILE holds an OCI linux.resources\n"
		"object (\"-\" for stdin is not supported).\n";
	const char *file = NULL, *id = NULL;
	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--resources") || !strcmp(argv[i], "-r")) && i + 1 < argc)
			file = argv[++i];
		else if (!id && argv[i][0] != '-')
			id = argv[i];
		else {
			cmd_error("update: only --resources FILE is supported yet (got '%s')", argv[i]);
			return NSRUN_EXIT_FAILURE;
		}
	}
	if (!file || !id) {
		fputs(usage, stderr);
		return NSRUN_EXIT_FAILURE;
	}
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	struct plan_cgroup *pc = NULL;
	if (spec_load_resources_file(file, stderr, &spec, &err) < 0 ||
	    !(pc = plan_cgroup_build(spec))) {
		if (!err.msg[0])
			nsrun_error_set(&err, 0, "%s: no resources to update", file);
		cmd_error("%s", err.msg);
		spec_free(spec);
		return NSRUN_EXIT_FAILURE;
	}
	struct container_state st;
	struct cgroup_handle *h = NULL;
	int status = 1;
	if (with_cgroup(id, &st, &h) == 0) {
		if (cgroup_update(h, pc, file, &err) < 0)
			cmd_error("%s", err.msg);
		else
			status = 0;
	}
	if (h)
		cgroup_handle_free(h);
	plan_cgroup_free(pc);
	spec_free(spec);
	state_free(&st);
	return status;
}

/* --- features ------------------------------------------------------------ */

int cmd_features(int argc, char **argv)
{
	if (cmd_wants_help(argc, argv)) {
		fputs("Usage: nsrun features\n\nPrint what this nsrun supports, as the OCI "
		      "features JSON.\n", stdout);
		return 0;
	}
	(void)argv;
	fputs("{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.3.0\",\n"
	      "  \"hooks\": [],\n"
	      "  \"mountOptions\": [\"async\", \"atime\", \"bind\", \"defaults\", \"dev\", \"diratime\", "
	      "\"dirsync\", \"exec\", \"lazytime\", \"loud\", \"mand\", \"noatime\", \"nodev\", "
	      "\"nodiratime\", \"noexec\", \"nolazytime\", \"nomand\", \"norelatime\", "
	      "\"nostrictatime\", \"nosuid\", \"nosymfollow\", \"private\", \"rbind\", \"relatime\", "
	      "\"rprivate\", \"rshared\", \"rslave\", \"runbindable\", \"ro\", \"rw\", \"shared\", "
	      "\"silent\", \"slave\", \"strictatime\", \"suid\", \"sync\", \"unbindable\"],\n"
	      "  \"linux\": {\n"
	      "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"time\", "
	      "\"user\", \"uts\"],\n    \"capabilities\": [", stdout);
	for (int c = 0; c <= SPEC_CAP_LAST; c++)
		printf("%s\"%s\"", c ? ", " : "", spec_cap_name(c));
	fputs("],\n    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": true, "
	      "\"systemdUser\": false, \"rdma\": true},\n"
	      "    \"seccomp\": {\"enabled\": true, \"actions\": [\"SCMP_ACT_ALLOW\", "
	      "\"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_PROCESS\", "
	      "\"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", \"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"], "
	      "\"operators\": [\"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", \"SCMP_CMP_GT\", \"SCMP_CMP_LE\", "
	      "\"SCMP_CMP_LT\", \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"], \"archs\": [\"SCMP_ARCH_X86\", "
	      "\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\"]},\n"
	      "    \"apparmor\": {\"enabled\": true},\n"
	      "    \"selinux\": {\"enabled\": " HAVE_SELINUX_JSON "},\n"
	      "    \"intelRdt\": {\"enabled\": false},\n"
	      "    \"mountExtensions\": {\"idmap\": {\"enabled\": false}}\n  },\n"
	      "  \"annotations\": {\"org.opencontainers.runc.checkpoint.enabled\": \"false\", "
	      "\"io.github.nsrun.version\": \"" NSRUN_VERSION "\"}\n}\n", stdout);
	return 0;
}
