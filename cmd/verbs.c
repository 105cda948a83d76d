/* The verb table: one entry per verb (its name, where nsrun --help lists
 * it, its Usage line, operand counts, whether it runs sealed, its options
 * and its function), and the getopt_long parser, the usage messages and
 * nsrun --help's command list made from it.
 *
 * Adding a verb: its function and its help text (cmd_VERB_help, the lines
 * after the Usage line) side by side in the file of its subject, both
 * declared in commands.h; an entry below, with an option array if it has
 * options; then the verb and its options in man/nsrun.1 and
 * completion/nsrun.bash (tests/integration/install.sh checks that --help,
 * the man page and the completion agree). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "machine.h"

#define END { NULL, 0, 0, 0 }

static const struct verb_opt global_opts[] = {
	{ "root", 0, required_argument, OPT_ROOT },
	{ "log", 0, required_argument, OPT_LOG },
	{ "log-format", 0, required_argument, OPT_LOG_FORMAT },
	{ "debug", 0, no_argument, OPT_DEBUG },
	{ "systemd-cgroup", 0, no_argument, OPT_SYSTEMD_CGROUP },
	/* nsrun runs as root; accepted for engines that pass them */
	{ "rootless", 0, required_argument, OPT_IGNORED },
	{ "criu", 0, required_argument, OPT_IGNORED },
	END,
};

/* create and run: runc's options; those that change nothing here are accepted */
#define CREATE_OPTS \
	{ "bundle", 'b', required_argument, OPT_BUNDLE }, \
	{ "pid-file", 0, required_argument, OPT_PID_FILE }, \
	{ "console-socket", 0, required_argument, OPT_CONSOLE_SOCKET }, \
	{ "preserve-fds", 0, required_argument, OPT_PRESERVE_FDS }, \
	{ "no-pivot", 0, no_argument, OPT_IGNORED }, \
	{ "no-new-keyring", 0, no_argument, OPT_IGNORED }, \
	{ "no-subreaper", 0, no_argument, OPT_IGNORED }, \
	{ "keep", 0, no_argument, OPT_IGNORED }

static const struct verb_opt create_opts[] = { CREATE_OPTS, END };
static const struct verb_opt run_opts[] = {
	CREATE_OPTS, { "detach", 'd', no_argument, OPT_DETACH }, END,
};
static const struct verb_opt exec_opts[] = {
	{ "process", 'p', required_argument, OPT_PROCESS },
	{ "tty", 't', no_argument, OPT_TTY },
	{ "cwd", 0, required_argument, OPT_CWD },
	{ "env", 'e', required_argument, OPT_ENV },
	{ "user", 'u', required_argument, OPT_USER },
	{ "detach", 'd', no_argument, OPT_DETACH },
	{ "pid-file", 0, required_argument, OPT_PID_FILE },
	{ "console-socket", 0, required_argument, OPT_CONSOLE_SOCKET },
	{ "preserve-fds", 0, required_argument, OPT_PRESERVE_FDS },
	{ "no-new-privs", 0, no_argument, OPT_IGNORED },
	{ "ignore-paused", 0, no_argument, OPT_IGNORED },
	{ "process-label", 0, required_argument, OPT_UNSUPPORTED },
	{ "apparmor", 0, required_argument, OPT_UNSUPPORTED },
	{ "cap", 'c', required_argument, OPT_UNSUPPORTED },
	{ "cgroup", 0, required_argument, OPT_UNSUPPORTED },
	END,
};
static const struct verb_opt start_opts[] = { { "foreground", 0, no_argument, OPT_FOREGROUND }, END };
static const struct verb_opt kill_opts[] = { { "all", 'a', no_argument, OPT_ALL }, END };
static const struct verb_opt delete_opts[] = { { "force", 'f', no_argument, OPT_FORCE }, END };
static const struct verb_opt list_opts[] = {
	{ "json", 0, no_argument, OPT_JSON },
	{ "format", 'f', required_argument, OPT_FORMAT },
	{ "quiet", 'q', no_argument, OPT_QUIET },
	END,
};
static const struct verb_opt ps_opts[] = { { "format", 'f', required_argument, OPT_FORMAT }, END };
static const struct verb_opt update_opts[] = {
	{ "resources", 'r', required_argument, OPT_RESOURCES }, END,
};
static const struct verb_opt events_opts[] = {
	{ "stats", 0, no_argument, OPT_STATS },
	{ "interval", 0, required_argument, OPT_INTERVAL },
	END,
};
static const struct verb_opt stop_opts[] = { { "timeout", 0, required_argument, OPT_TIMEOUT }, END };
static const struct verb_opt log_opts[] = { { "follow", 'f', no_argument, OPT_FOLLOW }, END };
static const struct verb_opt json_opts[] = { { "json", 0, no_argument, OPT_JSON }, END };
static const struct verb_opt spec_opts[] = {
	{ "bundle", 'b', required_argument, OPT_BUNDLE },
	{ "rootless", 0, no_argument, OPT_ROOTLESS },
	END,
};

/* spec --from-command-line's Usage line: spec's second one */
#define SPEC_CMDLINE "--from-command-line [SPEC.json | -D DIR | -M NAME] [OPTIONS] [-- ARGS]"

static const struct verb verbs[] = {
	{ "plan", NULL, GROUP_TOOLS, "print the ordered steps nsrun would carry out, run nothing",
	  "[--json] [--verbose] SPEC.json [-- ARGS...]", cmd_plan_help,
	  0, VERB_ANY, 0, NULL, NULL, cmd_plan },
	{ "check", NULL, GROUP_TOOLS, "validate the spec: exit 0, or print the error",
	  "[--no-host] SPEC.json", cmd_check_help,
	  0, VERB_ANY, 0, NULL, NULL, cmd_check },
	{ "spec", NULL, GROUP_TOOLS, "write a default OCI config.json into the current directory",
	  "[--bundle DIR] [--rootless]\n       nsrun spec " SPEC_CMDLINE, cmd_spec_help,
	  0, 0, 0, spec_opts, cmd_spec, NULL },
	{ "spec", "--from-command-line", GROUP_TOOLS, "print the spec file a command line stands for",
	  SPEC_CMDLINE, cmd_spec_help,
	  0, VERB_ANY, 0, NULL, NULL, cmd_spec_from_command_line },
	{ "analyze", NULL, GROUP_TOOLS, "print systemd's syscall groups (analyze syscall-filter)",
	  "", NULL,
	  0, VERB_ANY, 0, NULL, NULL, cmd_analyze },
	/* machines and OCI containers alike: an OCI container ID first */
	{ "list", NULL, GROUP_BOTH, "running machines and containers",
	  "[--json] [--format table|json] [-q]", cmd_list_help,
	  0, 0, 0, list_opts, cmd_list_any, NULL },
	{ "start", NULL, GROUP_BOTH, "let created container ID run, or boot machine NAME",
	  "[--foreground] ID|NAME", cmd_start_help,
	  1, 1, 0, start_opts, cmd_start_any, NULL },
	{ "kill", NULL, GROUP_BOTH, "send a signal to container ID or machine NAME",
	  "[--all] ID [SIGNAL]", cmd_kill_help,
	  1, 2, 0, kill_opts, cmd_kill_any, NULL },
	{ "exec", NULL, GROUP_BOTH, "run a process in container ID (or machine NAME)",
	  "[OPTIONS] ID [COMMAND [ARGS...]]", cmd_exec_help,
	  1, VERB_ANY, VERB_JOINS, exec_opts, cmd_exec_any, NULL },
	/* machines (cmd/machine*.c, cmd/images.c) */
	{ "stop", NULL, GROUP_MACHINES, "shut machine NAME down cleanly",
	  "[--timeout SECS] NAME", cmd_stop_help,
	  1, 1, 0, stop_opts, cmd_machine_stop, NULL },
	{ "reboot", NULL, GROUP_MACHINES, "reboot machine NAME",
	  "NAME", cmd_reboot_help,
	  1, 1, 0, NULL, cmd_machine_reboot, NULL },
	{ "status", NULL, GROUP_MACHINES, "show machine NAME (or OCI container NAME)",
	  "NAME", cmd_status_help,
	  1, 1, 0, NULL, cmd_machine_status, NULL },
	{ "log", NULL, GROUP_MACHINES, "print the console log of machine NAME",
	  "[-f] NAME", cmd_log_help,
	  1, 1, 0, log_opts, cmd_machine_log, NULL },
	{ "shell", NULL, GROUP_MACHINES, "a shell (or COMMAND) inside machine or container NAME",
	  "NAME [COMMAND [ARGS...]]", cmd_shell_help,
	  1, VERB_ANY, VERB_JOINS, NULL, cmd_machine_shell, NULL },
	{ "login", NULL, GROUP_MACHINES, "a login prompt inside machine or container NAME",
	  "NAME", cmd_login_help,
	  1, 1, VERB_SEALED, NULL, cmd_machine_login, NULL },
	{ "enable", NULL, GROUP_MACHINES, "start machine NAME at boot",
	  "NAME...", cmd_enable_help,
	  1, VERB_ANY, 0, NULL, cmd_machine_enable, NULL },
	{ "disable", NULL, GROUP_MACHINES, "do not start machine NAME at boot",
	  "NAME...", cmd_disable_help,
	  1, VERB_ANY, 0, NULL, cmd_machine_disable, NULL },
	{ "list-images", NULL, GROUP_MACHINES, "the images of the store",
	  "[--json]", cmd_list_images_help,
	  0, 0, 0, json_opts, cmd_list_images, NULL },
	{ "clone", NULL, GROUP_MACHINES, "copy image NAME to NEW",
	  "NAME NEW", cmd_clone_help,
	  2, 2, 0, NULL, cmd_clone, NULL },
	{ "rename", NULL, GROUP_MACHINES, "rename image NAME to NEW",
	  "NAME NEW", cmd_rename_help,
	  2, 2, 0, NULL, cmd_rename, NULL },
	{ "remove", NULL, GROUP_MACHINES, "remove image NAME",
	  "NAME...", cmd_remove_help,
	  1, VERB_ANY, 0, NULL, cmd_remove, NULL },
	{ "read-only", NULL, GROUP_MACHINES, "mark image NAME read-only or writable",
	  "NAME [true|false]", cmd_read_only_help,
	  1, 2, 0, NULL, cmd_read_only, NULL },
	{ "import-fs", NULL, GROUP_MACHINES, "copy directory tree DIR in as image NAME",
	  "DIR NAME", cmd_import_fs_help,
	  2, 2, 0, NULL, cmd_import_fs, NULL },
	{ "import-tar", NULL, GROUP_MACHINES, "unpack tar archive FILE as image NAME",
	  "FILE NAME", cmd_import_tar_help,
	  2, 2, 0, NULL, cmd_import_tar, NULL },
	{ "export-tar", NULL, GROUP_MACHINES, "write image NAME as tar archive FILE",
	  "NAME FILE", cmd_export_tar_help,
	  2, 2, 0, NULL, cmd_export_tar, NULL },
	/* OCI runtime verbs (cmd/oci*.c, cmd/events.c) */
	{ "create", NULL, GROUP_OCI, "create container ID from a bundle",
	  "[OPTIONS] ID", cmd_create_help,
	  1, 1, VERB_SEALED, create_opts, cmd_create, NULL },
	{ "run", NULL, GROUP_OCI, "create and start container ID",
	  "[OPTIONS] ID", cmd_run_help,
	  1, 1, VERB_SEALED, run_opts, cmd_oci_run, NULL },
	{ "state", NULL, GROUP_OCI, "print the OCI state of container ID",
	  "ID", cmd_state_help,
	  1, 1, 0, NULL, cmd_state, NULL },
	{ "delete", NULL, GROUP_OCI, "remove container ID",
	  "[--force] ID", cmd_delete_help,
	  1, 1, 0, delete_opts, cmd_delete, NULL },
	{ "ps", NULL, GROUP_OCI, "the processes of container ID",
	  "[--format table|json] ID", cmd_ps_help,
	  1, 1, 0, ps_opts, cmd_ps, NULL },
	{ "pause", NULL, GROUP_OCI, "freeze container ID",
	  "ID", cmd_pause_help,
	  1, 1, 0, NULL, cmd_pause, NULL },
	{ "resume", NULL, GROUP_OCI, "thaw container ID",
	  "ID", cmd_resume_help,
	  1, 1, 0, NULL, cmd_resume, NULL },
	{ "update", NULL, GROUP_OCI, "change the cgroup limits of container ID",
	  "--resources FILE ID", cmd_update_help,
	  1, 1, 0, update_opts, cmd_update, NULL },
	{ "features", NULL, GROUP_OCI, "what this nsrun supports, as JSON",
	  "", cmd_features_help,
	  0, 0, 0, NULL, cmd_features, NULL },
	{ "events", NULL, GROUP_OCI, "container ID's cgroup statistics",
	  "[--stats] [--interval SECS] ID", cmd_events_help,
	  1, 1, 0, events_opts, cmd_events, NULL },
	{ "checkpoint", NULL, GROUP_NONE, NULL,
	  "", NULL,
	  0, VERB_ANY, 0, NULL, NULL, cmd_unsupported },
	{ "restore", NULL, GROUP_NONE, NULL,
	  "", NULL,
	  0, VERB_ANY, 0, NULL, NULL, cmd_unsupported },
};

const struct verb verb_foreground = {
	"", NULL, GROUP_NONE, NULL, "", NULL, 0, -1, VERB_SEALED, NULL, NULL, cmd_run_foreground,
};

/* An entry with `when` wins over the plain one of the same name. */
const struct verb *verb_find(int argc, char **argv)
{
	const struct verb *plain = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		const struct verb *v = &verbs[i];
		if (strcmp(argv[0], v->name) != 0)
			continue;
		if (!v->when)
			plain = v;
		for (int k = 1; v->when && k < argc && strcmp(argv[k], "--") != 0; k++)
			if (strcmp(argv[k], v->when) == 0)
				return v;
	}
	return plain;
}

static bool oci_syntax(const struct verb *v)
{
	return v->group == GROUP_OCI || v->group == GROUP_BOTH;
}

void verb_usage(const struct verb *v, FILE *f)
{
	fprintf(f, "Usage: nsrun %s%s%s%s\n\n%s", oci_syntax(v) ? "[GLOBAL OPTIONS] " : "", v->name,
		*v->synopsis ? " " : "", v->synopsis, v->help ? v->help : "");
}

void verb_list(enum verb_group g, FILE *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		const struct verb *v = &verbs[i];
		if (v->group != g)
			continue;
		_cleanup_free_ char *name = xasprintf("%s%s%s", v->name, v->when ? " " : "",
						      v->when ? v->when : "");
		if (strlen(name) > 12) /* spec --from-command-line */
			fprintf(f, "  %s\n  %-12s %s\n", name, "", v->summary);
		else
			fprintf(f, "  %-12s %s\n", name, v->summary);
	}
}

/* ---- getopt_long over a verb's options --------------------------------- */

/* A number from lo to hi (an integer when asked; --interval: "5s" too). */
static bool number(const char *v, double lo, double hi, bool integer, bool secs, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	/* runc takes Go durations ("5s"); a bare number means seconds */
	bool ok = end != v && (!*end || (secs && strcmp(end, "s") == 0)) && !errno && d >= lo &&
		  d <= hi && (!integer || d == (double)(long)d) && *v != '-' && *v != '+';
	*out = d;
	return ok;
}

/* One option into *a; -1 after printing an error. */
static int take(const struct verb_opt *o, const char *val, struct verb_args *a)
{
	double d;
	switch (o->code) {
	case OPT_BUNDLE: a->bundle = val; break;
	case OPT_PID_FILE: a->pid_file = val; break;
	case OPT_CONSOLE_SOCKET: a->console_socket = val; break;
	case OPT_PROCESS: a->process_file = val; break;
	case OPT_CWD: a->cwd = val; break;
	case OPT_USER: a->user = val; break;
	case OPT_RESOURCES: a->resources = val; break;
	case OPT_DETACH: a->detach = true; break;
	case OPT_TTY: a->tty = true; break;
	case OPT_FORCE: a->force = true; break;
	case OPT_ALL: a->all = true; break;
	case OPT_QUIET: a->quiet = true; break;
	case OPT_JSON: a->json = true; break;
	case OPT_FOLLOW: a->follow = true; break;
	case OPT_FOREGROUND: a->foreground = true; break;
	case OPT_STATS: a->stats = true; break;
	case OPT_ROOTLESS: a->rootless = true; break;
	case OPT_PRESERVE_FDS:
		/* a negative count would close stdio, a huge one loop for ever over fcntl */
		if (!number(val, 0, 1000, true, false, &d)) {
			cmd_error("--preserve-fds: expected a number from 0 to 1000, got \"%s\"", val);
			return -1;
		}
		a->preserve_fds = (int)d;
		break;
	case OPT_TIMEOUT:
		if (!number(val, 1, 86400, true, false, &d)) {
			cmd_error("stop: --timeout: expected seconds from 1 to 86400, got \"%s\"", val);
			return -1;
		}
		a->timeout = (unsigned)d;
		break;
	case OPT_INTERVAL:
		if (!number(val, 1e-9, 86400, false, true, &d)) {
			cmd_error("--interval: expected seconds from 0 to 86400 (\"5\" or \"5s\"), got \"%s\"",
				  val);
			return -1;
		}
		a->interval = d;
		break;
	case OPT_FORMAT:
		if (strcmp(val, "json") && strcmp(val, "table")) {
			cmd_error("unknown format \"%s\": table or json", val);
			return -1;
		}
		a->format_json = strcmp(val, "json") == 0;
		a->format_given = true;
		break;
	case OPT_ENV:
		if (!strchr(val, '=') || val[0] == '=') {
			cmd_error("--env: expected KEY=VALUE, got \"%s\"", val);
			return -1;
		}
		a->env = xrealloc(a->env, (a->n_env + 1) * sizeof(char *));
		a->env[a->n_env++] = (char *)val;
		break;
	case OPT_UNSUPPORTED:
		cmd_error("%s: --%s is not supported yet", a->verb->name, o->name);
		return -1;
	case OPT_ROOT: oci_global.root = val; break;
	case OPT_LOG: oci_global.log = val; break;
	case OPT_LOG_FORMAT:
		if (strcmp(val, "json") && strcmp(val, "text")) {
			cmd_error("--log-format: text or json, got \"%s\"", val);
			return -1;
		}
		oci_global.log_json = strcmp(val, "json") == 0;
		break;
	case OPT_DEBUG: oci_global.debug = true; break;
	case OPT_SYSTEMD_CGROUP:
		if (access("/run/systemd/system", F_OK) != 0) {
			cmd_error("--systemd-cgroup: systemd is not running on this host");
			return -1;
		}
		oci_global.systemd_cgroup = true; /* libexec/cgroups-systemd.c */
		break;
	case OPT_IGNORED:
		break;
	}
	return 0;
}

#define MAX_OPTS 24
enum { LONG_BASE = 0x100 };

/* getopt_long's tables for these options (and --help, -h). */
static void getopt_tables(const struct verb_opt *opts, bool stop_at_operand, struct option *lo,
			  char *so)
{
	size_t n = 0, k = 0;
	so[k++] = stop_at_operand ? '+' : ':';
	if (stop_at_operand)
		so[k++] = ':';
	so[k++] = 'h';
	for (; opts && opts[n].name && n < MAX_OPTS; n++) {
		lo[n] = (struct option){ opts[n].name, opts[n].has_arg, NULL, LONG_BASE + (int)n };
		if (opts[n].letter) {
			so[k++] = opts[n].letter;
			if (opts[n].has_arg == required_argument)
				so[k++] = ':';
		}
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	so[k] = '\0';
}

static const struct verb_opt *by_letter(const struct verb_opt *opts, int c)
{
	for (size_t i = 0; opts && opts[i].name; i++)
		if (opts[i].letter == c)
			return &opts[i];
	return NULL;
}

void cmd_option_error(int c, int letter, bool no_value, const char *word, const char *verb)
{
	if (c == ':' && letter)
		cmd_error("option -%c needs a value", letter);
	else if (c == ':')
		cmd_error("option %s needs a value", word);
	else if (no_value)
		cmd_error("option %.*s takes no value", (int)strcspn(word, "="), word);
	else if (letter)
		cmd_error("unknown option -%c; see nsrun %s%s--help", letter, verb, *verb ? " " : "");
	else
		cmd_error("unknown option '%s'; see nsrun %s%s--help", word, verb, *verb ? " " : "");
}

static void bad_option(const struct verb *v, int c, int argc, char **argv)
{
	const char *word = argv[optind - 1 < argc ? optind - 1 : argc - 1];
	cmd_option_error(c, optopt < LONG_BASE ? optopt : 0, optopt >= LONG_BASE, word, v->name);
}

static int parse_opts(const struct verb *v, int argc, char **argv, struct verb_args *a)
{
	const struct verb_opt *opts = v->opts;
	struct option lo[MAX_OPTS + 2];
	char so[3 * MAX_OPTS + 4];
	getopt_tables(opts, v->flags & VERB_COMMAND_FOLLOWS, lo, so);
	optind = 0;       /* a full re-initialisation in glibc */
	opterr = 0;       /* our own messages */
	int c;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?' || c == ':') {
			bad_option(v, c, argc, argv);
			return -1;
		}
		if (c == 'h')
			return 1;
		const struct verb_opt *o = c >= LONG_BASE ? &opts[c - LONG_BASE] : by_letter(opts, c);
		a->n_options++;
		if (take(o, optarg, a) < 0)
			return -1;
	}
	return 0;
}

int verb_parse(const struct verb *v, int argc, char **argv, struct verb_args *a)
{
	memset(a, 0, sizeof(*a));
	a->verb = v;
	int r = parse_opts(v, argc, argv, a);
	if (r != 0) {
		if (r > 0)
			verb_usage(v, stdout);
		verb_args_free(a);
		return r;
	}
	a->operands = argv + optind;
	a->n_operands = argc - optind;
	if (a->n_operands < v->min || (v->max >= 0 && a->n_operands > v->max)) {
		/* the Usage line's first form */
		_cleanup_free_ char *usage = xasprintf("nsrun %s%s%.*s", v->name, *v->synopsis ? " " : "",
						       (int)strcspn(v->synopsis, "\n"), v->synopsis);
		if (a->n_operands < v->min)
			cmd_error("%s: too few arguments; usage: %s", v->name, usage);
		else
			cmd_error("%s: unexpected argument '%s'; usage: %s", v->name, a->operands[v->max],
				  usage);
		verb_args_free(a);
		return -1;
	}
	return 0;
}

void verb_args_free(struct verb_args *a)
{
	free(a->env);
	a->env = NULL;
	a->n_env = 0;
}

/* Only the words that name a global option exactly belong to them: the
 * first other word is the verb, or an option of the foreground run. */
int verb_parse_global(int argc, char **argv)
{
	int i = 1;
	while (i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
		const char *name = argv[i] + 2;
		size_t len = strcspn(name, "=");
		const struct verb_opt *o = global_opts;
		while (o->name && (strlen(o->name) != len || strncmp(o->name, name, len) != 0))
			o++;
		if (!o->name)
			break;
		i += o->has_arg == required_argument && !name[len] && i + 1 < argc ? 2 : 1;
	}
	static const struct verb global = { "", NULL, GROUP_NONE, NULL, "", NULL, 0, 0, 0, global_opts,
					    NULL, NULL };
	struct verb_args a = { .verb = &global };
	if (parse_opts(&global, i, argv, &a) != 0)
		return -1;
	return i;
}
