/* nsrun's command line: the global options, then the verb of the table
 * (cmd/verbs.c) or the foreground run.  No container logic here. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "exec.h"
#include "options.h"
#include "verbs.h"

static const char usage_head[] =
	"Usage: nsrun [OPTIONS] SPEC.json [-- ARGS...]\n"
	"       nsrun COMMAND [OPTIONS] ...\n"
	"\n"
	"Run a container from a spec file (an OCI config.json, or a short nsrun spec)\n"
	"in the foreground; its exit status is nsrun's.\n";

static const char usage_run[] =
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

/* nsrun --help: the fixed parts, and the verbs from the table. */
static void usage(FILE *f)
{
	fputs(usage_head, f);
	fputs("\nCommands (nsrun COMMAND --help for each):\n", f);
	verb_list(GROUP_TOOLS, f);
	fputs("\nMachines (like machinectl; images in $NSRUN_MACHINES_DIR, default /var/lib/machines):\n", f);
	verb_list(GROUP_MACHINES, f);
	fputs("\nMachines and OCI containers (an OCI container ID first, else machine NAME):\n", f);
	verb_list(GROUP_BOTH, f);
	fputs("\nOCI runtime commands (runc's syntax; state under --root, default /run/nsrun,\n"
	      "or $XDG_RUNTIME_DIR/nsrun for a user other than root):\n", f);
	verb_list(GROUP_OCI, f);
	fputs("  global options: --root DIR, --log FILE, --log-format text|json, --debug,\n"
	      "  --systemd-cgroup\n", f);
	fputs(usage_run, f);
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

/* A verb that parses its own argv (the foreground run, plan, check ...):
 * its help from the table, else sealed first when it is to be. */
static int run_argv(const struct verb *v, int argc, char **argv)
{
	if (v->help && cmd_wants_help(argc, argv)) {
		verb_usage(v, stdout);
		return 0;
	}
	if ((v->flags & VERB_SEALED) && !cmd_wants_help(argc, argv) && cmd_seal() < 0)
		return NSRUN_EXIT_FAILURE;
	return v->run_argv(argc, argv);
}

static int run_verb(const struct verb *v, int argc, char **argv)
{
	if (v->run_argv)
		return run_argv(v, argc, argv);
	struct verb_args a;
	int r = verb_parse(v, argc, argv, &a);
	if (r != 0)
		return r > 0 ? 0 : NSRUN_EXIT_FAILURE;
	int status = (v->flags & VERB_SEALED) && cmd_seal() < 0 ? NSRUN_EXIT_FAILURE : v->run(&a);
	verb_args_free(&a);
	return status;
}

int main(int argc, char **argv)
{
	/* the sealed copy runs with the command line as given (getopt permutes argv) */
	char **given = xcalloc((size_t)argc + 1, sizeof(char *));
	memcpy(given, argv, (size_t)argc * sizeof(char *));
	cmd_set_argv(given);
	if (argc < 2) {
		usage(stderr);
		return NSRUN_EXIT_FAILURE;
	}
	const char *default_root = oci_global.root;
	int vi = verb_parse_global(argc, argv);
	if (vi < 0)
		return NSRUN_EXIT_FAILURE;
	rootless_state_root(default_root);
	if (oci_global.debug) /* e.g. the private user range a run picked (libexec/userns.c) */
		setenv("NSRUN_DEBUG", "1", 1);
	if (vi >= argc) {
		usage(stderr);
		return NSRUN_EXIT_FAILURE;
	}
	argv += vi;
	argc -= vi;
	const char *word = argv[0];
	if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0 || strcmp(word, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(word, "--version") == 0 || strcmp(word, "version") == 0) {
		printf("nsrun version %s\n", NSRUN_VERSION);
		return 0;
	}
	const struct verb *v = verb_find(argc, argv);
	if (v)
		return run_verb(v, argc, argv);
	/* options of the foreground run (cmd/options.c) may come first */
	if (word[0] == '-' && strcmp(word, "--") != 0 && !options_is_run_option(word)) {
		cmd_error("unknown option '%s'; see nsrun --help", word);
		return NSRUN_EXIT_FAILURE;
	}
	/* the foreground run's argv[0] is the word before its first argument */
	return run_argv(&verb_foreground, argc + 1, argv - 1);
}
