/* nsrun SPEC (foreground), nsrun plan, nsrun check. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exec.h"
#include "machine.h"
#include "options.h"
#include "plan.h"

struct plan *cmd_load_plan(const struct run_cmdline *a, char **text, struct machine_run *m,
			   FILE *warn)
{
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	struct plan *plan = NULL;
	const struct plan_invocation inv = { .warn = warn };
	if (options_load_spec(a, stderr, &spec, text, &err) < 0 ||
	    (m && machine_notify_setup(m, spec, &err) < 0) ||
	    exec_plan_build(TAKE_PTR(spec), &inv, &plan, &err) < 0) {
		spec_free(spec);
		cmd_error("%s", err.msg);
		return NULL;
	}
	return plan;
}

int cmd_run_foreground(int argc, char **argv)
{
	struct run_cmdline a;
	if (options_parse(argc, argv, OPT_ALLOW_RUN, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *text = NULL;
	struct machine_run m;
	machine_run_init(&m);
	_cleanup_plan_ struct plan *plan = cmd_load_plan(&a, &text, NULL, stderr);
	if (!plan) {
		machine_notify_end(&m);
		options_free(&a);
		return NSRUN_EXIT_FAILURE;
	}
	/* registered while it runs: nsrun list, shell, stop ... find it */
	int r = machine_register(&m, plan, &a, text, false);
	options_free(&a);
	if (r < 0) {
		machine_notify_end(&m);
		return NSRUN_EXIT_FAILURE;
	}
	struct exec_options o = { .mode = EXEC_FOREGROUND, .id = m.rec.name, .pid_file = a.pid_file,
				  .fifo_fd = -1, .lock_fd = -1, .stop_timeout = a.stop_timeout,
				  .on_start = machine_on_start, .on_start_data = &m };
	int status = cmd_run_plan_foreground(plan, &o);
	machine_unregister(&m);
	return status;
}

/* The foreground run of a plan, registered while it runs; boot mode's
 * `reboot` inside starts the container again, as nspawn does. */
int cmd_run_plan_foreground(struct plan *plan, struct exec_options *o)
{
	for (;;) {
		struct nsrun_error err = { 0 };
		int status = 0;
		if (exec_run_plan(plan, o, &status, &err) < 0) {
			cmd_error("%s", err.msg);
			return err.status ? err.status : NSRUN_EXIT_FAILURE;
		}
		if (!o->rebooted || o->no_restart)
			return status;
		fputs("nsrun: the container rebooted; starting it again\n", stderr);
	}
}

const char cmd_plan_help[] =
	"Print the ordered steps nsrun would carry out for SPEC.json, with every\n"
	"default filled in, without running anything and without privileges.\n"
	"  --json    print the plan as JSON\n"
	"  -v, --verbose  also list each step's details: every rule of the\n"
	"                 syscall filters\n"
	"  -b, --boot     plan a boot, as nsrun -b\n"
	"  --private-network, --network-veth, --network-bridge=BR,\n"
	"  -p, --port=[tcp:|udp:]HOSTPORT[:CONTAINERPORT]\n"
	"                 as for running (nsrun --help): plan that run's network\n"
	"  -U, --private-users=pick|N[:M]|no\n"
	"                 the plan with that private user range (as nsrun -U)\n";

int cmd_plan(int argc, char **argv)
{
	struct run_cmdline a;
	if (options_parse(argc, argv, OPT_ALLOW_PLAN | OPT_ALLOW_ARGS, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_plan_ struct plan *plan = cmd_load_plan(&a, NULL, NULL, NULL);
	options_free(&a);
	if (!plan)
		return NSRUN_EXIT_FAILURE;
	if (a.json)
		plan_print_json(plan, stdout);
	else if (a.verbose)
		plan_print_verbose(plan, stdout);
	else
		plan_print(plan, stdout);
	return 0;
}

const char cmd_check_help[] =
	"Validate SPEC.json: exit 0 when nsrun can run it, otherwise print the\n"
	"error (FILE:LINE:COL: /json/pointer: what is wrong) and exit 125.\n"
	"Warnings (unknown members) go to stderr and do not fail the check.\n"
	"With a veth or bridge network it also checks this host, as a run would:\n"
	"the bridge exists, the host side's link name and the host ports are free\n"
	"(--no-host: only the spec).\n";

int cmd_check(int argc, char **argv)
{
	struct run_cmdline a;
	if (options_parse(argc, argv, OPT_ALLOW_CHECK, &a) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_plan_ struct plan *plan = cmd_load_plan(&a, NULL, NULL, NULL);
	options_free(&a);
	if (!plan)
		return NSRUN_EXIT_FAILURE;
	struct nsrun_error err = { 0 };
	/* --no-host: the spec alone (what schema tests compare) */
	if (!a.no_host && net_check_host(plan, &err) < 0) {
		cmd_error("%s", err.msg);
		return NSRUN_EXIT_FAILURE;
	}
	return 0;
}
