/* nsrun SPEC (foreground), nsrun plan, nsrun check. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exec.h"
#include "network.h"
#include "plan.h"

struct run_args {
	const char *spec;
	const char *pid_file;
	bool json;
	bool verbose;         /* plan: each step's details (the syscall filters' rules) */
	bool boot;            /* -b, --boot: as if the spec said "boot": true */
	unsigned stop_timeout; /* --stop-timeout SECONDS (boot) */
	int extra_argc;       /* arguments after "--" replace process.args */
	char **extra_argv;
	struct spec_net_cli net; /* --private-network, --network-veth, --network-bridge, --port */
};

/* The network options (README "Networking"); 1 when arg was one, -1 on error. */
static int parse_net_option(int argc, char **argv, int *i, struct run_args *a)
{
	const char *arg = argv[*i];
	if (strcmp(arg, "--private-network") == 0 || strcmp(arg, "--network-veth") == 0) {
		a->net.mode = arg[2] == 'p' ? NET_PRIVATE : NET_VETH;
		a->net.mode_option = arg;
		return 1;
	}
	bool bridge = strncmp(arg, "--network-bridge", 16) == 0 && (!arg[16] || arg[16] == '=');
	bool port = (strncmp(arg, "--port", 6) == 0 && (!arg[6] || arg[6] == '=')) || strcmp(arg, "-p") == 0;
	if (!bridge && !port)
		return 0;
	const char *eq = strchr(arg, '=');
	const char *v = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
	if (!v || !*v) {
		cmd_error("%s needs a value", bridge ? "--network-bridge" : "--port");
		return -1;
	}
	if (bridge) {
		a->net.mode = NET_BRIDGE;
		a->net.bridge = v;
		a->net.mode_option = eq ? arg : "--network-bridge";
		return 1;
	}
	static const char *ports[NET_PORTS_MAX];
	if (a->net.n_ports >= NET_PORTS_MAX) {
		cmd_error("--port: at most %d port forwards", NET_PORTS_MAX);
		return -1;
	}
	ports[a->net.n_ports++] = v;
	a->net.ports = ports;
	return 1;
}

static int parse_args(int argc, char **argv, bool allow_json, bool allow_pid_file,
		      struct run_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			a->extra_argc = argc - i - 1;
			a->extra_argv = argv + i + 1;
			break;
		} else if (allow_json && strcmp(arg, "--json") == 0) {
			a->json = true;
		} else if (allow_json && (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0)) {
			a->verbose = true;
		} else if (allow_pid_file && strcmp(arg, "--pid-file") == 0 && i + 1 < argc) {
			a->pid_file = argv[++i];
		} else if (allow_pid_file && strncmp(arg, "--pid-file=", 11) == 0) {
			a->pid_file = arg + 11;
		} else if (strcmp(arg, "-b") == 0 || strcmp(arg, "--boot") == 0) {
			a->boot = true;
		} else if (allow_pid_file && (strcmp(arg, "--stop-timeout") == 0 ||
					      strncmp(arg, "--stop-timeout=", 15) == 0)) {
			const char *v = arg[14] == '=' ? arg + 15 : i + 1 < argc ? argv[++i] : "";
			char *end;
			unsigned long t = strtoul(v, &end, 10);
			if (!*v || *end || t == 0 || t > 86400 || *v == '-') {
				cmd_error("--stop-timeout: expected seconds from 1 to 86400, got \"%s\"", v);
				return -1;
			}
			a->stop_timeout = (unsigned)t;
		} else if (arg[0] == '-' && arg[1]) {
			int r = parse_net_option(argc, argv, &i, a);
			if (r < 0)
				return -1;
			if (r > 0)
				continue;
			cmd_error("unknown option '%s'", arg);
			return -1;
		} else if (!a->spec) {
			a->spec = arg;
		} else if (!allow_pid_file) {
			cmd_error("unexpected argument '%s' (program arguments go after \"--\")", arg);
			return -1;
		} else {
			/* nsrun SPEC prog args...: like nspawn, the rest is the command */
			a->extra_argc = argc - i;
			a->extra_argv = argv + i;
			break;
		}
	}
	if (!a->spec) {
		cmd_error("no spec file given; see nsrun --help");
		return -1;
	}
	return 0;
}

/* Load, validate and plan; prints the error and returns NULL on failure. */
static struct plan *load_plan(const struct run_args *a)
{
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	struct plan *plan = NULL;
	struct spec_load_opts opts = { .boot = a->boot, .net = &a->net };
	if (spec_load_file_opts(a->spec, stderr, &opts, &spec, &err) < 0 ||
	    plan_build(spec, a->extra_argc, a->extra_argv, &plan, &err) < 0) {
		cmd_error("%s", err.msg);
		return NULL;
	}
	return plan;
}

int cmd_run_foreground(int argc, char **argv)
{
	struct run_args a;
	if (parse_args(argc, argv, false, true, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_plan_ struct plan *plan = load_plan(&a);
	if (!plan)
		return NSRUN_EXIT_FAILURE;
	struct exec_options o = { .mode = EXEC_FOREGROUND, .pid_file = a.pid_file, .fifo_fd = -1,
				  .lock_fd = -1, .stop_timeout = a.stop_timeout };
	for (;;) {
		struct nsrun_error err = { 0 };
		int status = 0;
		if (exec_run_plan(plan, &o, &status, &err) < 0) {
			cmd_error("%s", err.msg);
			return err.status ? err.status : NSRUN_EXIT_FAILURE;
		}
		/* boot: `reboot` inside starts the container again, as nspawn */
		if (!o.rebooted)
			return status;
		fputs("nsrun: the container rebooted; starting it again\n", stderr);
	}
}

static const char plan_usage[] =
	"Usage: nsrun plan [--json] [--verbose] SPEC.json [-- ARGS...]\n"
	"\n"
	"Print the ordered steps nsrun would carry out for SPEC.json, with every\n"
	"default filled in, without running anything and without privileges.\n"
	"  --json    print the plan as JSON\n"
	"  -v, --verbose  also list each step's details: every rule of the\n"
	"                 syscall filters\n"
	"  -b, --boot     plan a boot, as nsrun -b\n"
	"  --private-network, --network-veth, --network-bridge=BR,\n"
	"  -p, --port=[tcp:|udp:]HOSTPORT[:CONTAINERPORT]\n"
	"                 as for running (nsrun --help): plan that run's network\n";

int cmd_plan(int argc, char **argv)
{
	if (cmd_wants_help(argc, argv)) {
		fputs(plan_usage, stdout);
		return 0;
	}
	struct run_args a;
	if (parse_args(argc, argv, true, false, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_plan_ struct plan *plan = load_plan(&a);
	if (!plan)
		return NSRUN_EXIT_FAILURE;
	exec_probe_host(plan, NULL);
	if (a.json)
		plan_print_json(plan, stdout);
	else if (a.verbose)
		plan_print_verbose(plan, stdout);
	else
		plan_print(plan, stdout);
	return 0;
}

static const char check_usage[] =
	"Usage: nsrun check SPEC.json\n"
	"\n"
	"Validate SPEC.json: exit 0 when nsrun can run it, otherwise print the\n"
	"error (FILE:LINE:COL: /json/pointer: what is wrong) and exit 125.\n"
	"Warnings (unknown members) go to stderr and do not fail the check.\n";

int cmd_check(int argc, char **argv)
{
	if (cmd_wants_help(argc, argv)) {
		fputs(check_usage, stdout);
		return 0;
	}
	struct run_args a;
	if (parse_args(argc, argv, false, false, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_plan_ struct plan *plan = load_plan(&a);
	return plan ? 0 : NSRUN_EXIT_FAILURE;
}
