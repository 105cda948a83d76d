/* nsrun's command line: dispatch to the verbs.  No container logic here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "exec.h"
#include "json.h"
#include "machine.h"
#include "options.h"

static const char usage[] =
	"Usage: nsrun [OPTIONS] SPEC.json [-- ARGS...]\n"
	"       nsrun COMMAND [OPTIONS] ...\n"
	"\n"
	"Run a container from a spec file (an OCI config.json, or a short nsrun spec)\n"
	"in the foreground; its exit status is nsrun's.\n"
	"\n"
	"Commands:\n"
	"  plan SPEC.json       print the ordered steps nsrun would carry out, run nothing\n"
	"  check SPEC.json      validate the spec: exit 0, or print the error\n"
	"  spec                 write a default OCI config.json into the current directory\n"
	"  analyze syscall-filter [GROUP...]\n"
	"                       print systemd's syscall groups\n"
	"  spec --from-command-line [SPEC.json | -D DIR | -M NAME] [OPTIONS]\n"
	"                       print the spec file a command line stands for\n"
	"\n"
	"Machines (like machinectl; images in $NSRUN_MACHINES_DIR, default /var/lib/machines):\n"
	"  list [--json]        running machines and containers\n"
	"  start NAME, stop NAME, reboot NAME, kill NAME [SIGNAL], status NAME,\n"
	"  log [-f] NAME, shell NAME [CMD...], login NAME, enable NAME, disable NAME\n"
	"  list-images [--json], clone NAME NEW, rename NAME NEW, remove NAME,\n"
	"  read-only NAME [true|false], import-fs DIR NAME, import-tar FILE NAME,\n"
	"  export-tar NAME FILE\n"
	"\n"
	"OCI runtime commands (runc's syntax; state under --root, default /run/nsrun,\n"
	"or $XDG_RUNTIME_DIR/nsrun for a user other than root):\n"
	"  create, start, state, kill, delete, run, list, exec, ps, pause, resume,\n"
	"  update, features, events\n"
	"  global options: --root DIR, --log FILE, --log-format text|json, --debug,\n"
	"  --systemd-cgroup\n"
	"\n"
	"Run a directory tree without a spec (systemd-nspawn's options; also over\n"
	"a spec file, and with plan/check; nsrun spec --from-command-line prints them):\n"
	"  -D, --directory DIR  the root directory: a shell, or -- ARGS, with the defaults\n"
	"  -M, --machine NAME   the image NAME (its NAME.json when there is one)\n"
	"  --hostname NAME      the host name\n"
	"  --bind SRC[:DST[:OPTS]]  bind mount (OPTS: ro, rw, rbind, norbind)\n"
	"  --bind-ro SRC[:DST[:OPTS]]  read-only bind mount\n"
	"  --tmpfs DST[:OPTS]   a tmpfs\n"
	"  -E, --setenv KEY=VALUE  set an environment variable\n"
	"  -u, --user NAME      run as NAME of the image's /etc/passwd\n"
	"  --chdir DIR          working directory\n"
	"  --read-only          a read-only root\n"
	"  --capability LIST    add capabilities to the default set (or \"all\")\n"
	"  --drop-capability LIST  take capabilities from it\n"
	"  --syscall-filter LIST   systemd's syntax: '~mkdir', '@system-service ~@mount'\n"
	"  --register[=yes|no], --no-register  in nsrun list or not (default yes)\n"
	"\n"
	"Options for running:\n"
	"  --pid-file FILE      write the host PID of the container's PID 1 to FILE\n"
	"  -b, --boot           boot the image's init as PID 1 (systemd), like\n"
	"                       systemd-nspawn -b; ARGS replace the init (one-off command)\n"
	"  --stop-timeout SECS  boot: after SIGTERM/SIGINT (sent on as SIGRTMIN+3, halt),\n"
	"                       kill the container if it has not stopped (default 90)\n"
	"  --private-network    a network namespace with only lo\n"
	"  --network-veth       a veth pair: ve-NAME on the host, host0 inside (auto addresses)\n"
	"  --network-bridge=BR  the veth's host side joins bridge BR\n"
	"  -p, --port=[tcp:|udp:]HOSTPORT[:CONTAINERPORT]\n"
	"                       forward a host port (or range FIRST-LAST) to the container\n"
	"  -U, --private-users=pick|N[:M]|no\n"
	"                       a private range of host uids/gids for the container (the\n"
	"                       default of a short spec is pick; no: its root is the host's)\n"
	"  --private-users-ownership=map|chown\n"
	"                       map: an idmapped mount of the root (default); chown: chown\n"
	"                       the tree once to the range\n"
	"  -h, --help           show this help (also: nsrun COMMAND --help)\n"
	"  --version            show the version\n"
	"\n"
	"Exit status: the container's; 128+N if it was killed by signal N;\n"
	"125 when nsrun itself fails (bad spec, a setup step failed), 126 when the\n"
	"program cannot be executed, 127 when it is not found.\n";

/* Errors go to stderr and, with --log, to the log file too (as JSON lines
 * with --log-format json, which podman reads). */
void cmd_warning(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	_cleanup_free_ char *safe = nsrun_escape(msg);
	fprintf(stderr, "nsrun: warning: %s\n", safe);
}

void cmd_error(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* messages may carry names the image chose (file names) */
	_cleanup_free_ char *safe = nsrun_escape(msg);
	fprintf(stderr, "nsrun: %s\n", safe);
	if (!oci_global.log)
		return;
	FILE *f = fopen(oci_global.log, "ae");
	if (!f)
		return;
	if (oci_global.log_json) {
		char when[64];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fputs("{\"level\":\"error\",\"msg\":", f);
		json_write_string(f, msg);
		fprintf(f, ",\"time\":\"%s\"}\n", when);
	} else {
		fprintf(f, "nsrun: %s\n", safe);
	}
	fclose(f);
}

/* --root X, --log X, --log-format X, --debug, --systemd-cgroup; returns the
 * index of the verb, or -1 after printing an error. */
static int parse_global(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2]; i++) {
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const char *val = eq ? eq + 1 : NULL;
		static const char *const with_value[] = { "--root", "--log", "--log-format", "--rootless",
							  "--criu" };
		bool takes = false;
		for (size_t k = 0; k < ARRAY_SIZE(with_value); k++)
			takes |= strlen(with_value[k]) == nlen && strncmp(arg, with_value[k], nlen) == 0;
		if (takes && !val) {
			if (i + 1 >= argc) {
				cmd_error("option %.*s needs a value", (int)nlen, arg);
				return -1;
			}
			val = argv[++i];
		}
		if (strncmp(arg, "--root", nlen) == 0 && nlen == 6)
			oci_global.root = val;
		else if (strncmp(arg, "--log", nlen) == 0 && nlen == 5)
			oci_global.log = val;
		else if (strncmp(arg, "--log-format", nlen) == 0 && nlen == 12) {
			if (strcmp(val, "json") && strcmp(val, "text")) {
				cmd_error("--log-format: text or json, got \"%s\"", val);
				return -1;
			}
			oci_global.log_json = strcmp(val, "json") == 0;
		} else if (strncmp(arg, "--debug", nlen) == 0 && nlen == 7)
			oci_global.debug = true;
		else if (strncmp(arg, "--systemd-cgroup", nlen) == 0 && nlen == 16) {
			if (access("/run/systemd/system", F_OK) != 0) {
				cmd_error("--systemd-cgroup: systemd is not running on this host");
				return -1;
			}
			oci_global.systemd_cgroup = true; /* libexec/cgroups-systemd.c */
		} else if (takes && strncmp(arg, "--rootless", nlen) == 0)
			; /* nsrun runs as root; accepted for engines that pass it */
		else
			break; /* not a global option: the verb's or the foreground run's */
	}
	return i;
}

int cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

/* SECURITY.md rule 5: every verb that creates a container or enters one
 * runs from a sealed memfd copy of nsrun, whatever the spec says, so that
 * no process of a container (PID 1 during setup, an exec child, a hook it
 * starts, or the host's nsrun itself run again inside through
 * "#!/proc/self/exe") ever has nsrun's file as its /proc/PID/exe.  Done
 * first, before the spec is read, so the work is not repeated.  `start`
 * only tells a created PID 1 (already sealed) to go on, and runs host
 * hooks: it pays nothing, like the verbs that only look. */
static int seal_runtime(char **argv)
{
	struct nsrun_error err = { 0 };
	if (exec_seal_self(argv, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static char **saved_argv;

int cmd_seal(void)
{
	return seal_runtime(saved_argv);
}

static bool creates_or_enters(const char *verb)
{
	static const char *const others[] = { "plan", "check", "spec", "analyze", "start", "state",
		"kill", "delete", "list", "ps", "pause", "resume", "update", "features", "checkpoint",
		"restore", "events",
		/* machines: these only look or copy (start seals itself, shell,
		 * login and exec enter and are sealed here) */
		"stop", "reboot", "status", "log", "list-images", "clone", "rename", "remove",
		"read-only", "import-fs", "import-tar", "export-tar", "enable", "disable" };
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		if (strcmp(verb, others[i]) == 0)
			return false;
	return true; /* create, run, exec and the foreground run */
}

/* Rootless: the state of the OCI verbs lives in $XDG_RUNTIME_DIR/nsrun
 * unless --root says otherwise (as runc's $XDG_RUNTIME_DIR/runc). */
static void rootless_state_root(const char *given_default)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (!exec_rootless() || oci_global.root != given_default || !xdg || xdg[0] != '/')
		return;
	static char root[4096];
	snprintf(root, sizeof(root), "%s/nsrun", xdg);
	oci_global.root = root;
}

int main(int argc, char **argv)
{
	char **nsrun_argv = argv;
	saved_argv = argv;
	if (argc < 2) {
		fputs(usage, stderr);
		return NSRUN_EXIT_FAILURE;
	}
	const char *default_root = oci_global.root;
	int vi = parse_global(argc, argv);
	if (vi < 0)
		return NSRUN_EXIT_FAILURE;
	rootless_state_root(default_root);
	if (oci_global.debug) /* e.g. the private user range a run picked (libexec/userns.c) */
		setenv("NSRUN_DEBUG", "1", 1);
	if (vi >= argc) {
		fputs(usage, stderr);
		return NSRUN_EXIT_FAILURE;
	}
	argv += vi - 1;
	argc -= vi - 1;
	const char *verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 || strcmp(verb, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(verb, "--version") == 0 || strcmp(verb, "version") == 0) {
		printf("nsrun version %s\n", NSRUN_VERSION);
		return 0;
	}
	if (creates_or_enters(verb) && !cmd_wants_help(argc, argv) && seal_runtime(nsrun_argv) < 0)
		return NSRUN_EXIT_FAILURE;
	static const struct { const char *name; int (*fn)(int, char **); } verbs[] = {
		{ "plan", cmd_plan }, { "check", cmd_check }, { "spec", cmd_spec },
		{ "analyze", cmd_analyze }, { "create", cmd_create }, { "start", cmd_start_any },
		{ "state", cmd_state }, { "kill", cmd_kill_any }, { "delete", cmd_delete },
		{ "run", cmd_oci_run }, { "list", cmd_list_any }, { "exec", cmd_exec_any }, { "ps", cmd_ps },
		{ "pause", cmd_pause }, { "resume", cmd_resume }, { "update", cmd_update },
		{ "features", cmd_features }, { "events", cmd_events },
		/* machines (cmd/machine*.c, cmd/images.c) */
		{ "stop", cmd_machine_stop }, { "reboot", cmd_machine_reboot },
		{ "status", cmd_machine_status }, { "log", cmd_machine_log },
		{ "shell", cmd_machine_shell }, { "login", cmd_machine_login },
		{ "list-images", cmd_list_images }, { "clone", cmd_clone }, { "rename", cmd_rename },
		{ "remove", cmd_remove }, { "read-only", cmd_read_only },
		{ "import-fs", cmd_import_fs }, { "import-tar", cmd_import_tar },
		{ "export-tar", cmd_export_tar }, { "enable", cmd_machine_enable },
		{ "disable", cmd_machine_disable },
	};
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verb, verbs[i].name) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	static const char *const oci_verbs[] = { "checkpoint", "restore" };
	for (size_t i = 0; i < ARRAY_SIZE(oci_verbs); i++)
		if (strcmp(verb, oci_verbs[i]) == 0) {
			cmd_error("'%s' is not supported yet by nsrun %s", verb, NSRUN_VERSION);
			return NSRUN_EXIT_FAILURE;
		}
	/* options of the foreground run (cmd/options.c) may come first */
	bool run_opt = strcmp(verb, "--") == 0 || options_is_run_option(verb);
	if (!run_opt && verb[0] == '-') {
		cmd_error("unknown option '%s'; see nsrun --help", verb);
		return NSRUN_EXIT_FAILURE;
	}
	return cmd_run_foreground(argc, argv);
}
