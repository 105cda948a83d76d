/* The executor: carries out a plan.  See plan.h for the steps. */
#ifndef NSRUN_EXEC_H
#define NSRUN_EXEC_H

#include "plan.h"

struct exec_options {
	const char *pid_file;     /* write the host PID of the container's PID 1 here */
	bool detach_stdin;        /* future: do not relay stdin */
};

/* Run the plan in the foreground: create the container, relay the
 * terminal and signals, wait for it to end.  On success *exit_status is
 * the container's (128+N when killed by signal N).  On failure err names
 * the step and err->status says which exit status nsrun should use. */
int exec_run_plan(struct plan *p, const struct exec_options *o, int *exit_status,
		  struct nsrun_error *err);

#endif
