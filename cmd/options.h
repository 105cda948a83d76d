/* The command line as a spec source (cmd/options.c): -D DIR, -M NAME and
 * systemd-nspawn's options become members of a JSON spec tree, the same
 * tree a spec file gives (and layered over one), which then goes through
 * the decoder, the defaults, the validator and the plan like any file. */
#ifndef NSRUN_OPTIONS_H
#define NSRUN_OPTIONS_H

#include <stdbool.h>

#include "spec.h"

/* What a verb accepts besides the spec options. */
enum {
	OPT_ALLOW_RUN = 1,        /* --pid-file, --stop-timeout, a command after the spec */
	OPT_ALLOW_PLAN = 2,       /* --json, --verbose */
	OPT_ALLOW_ARGS = 4,       /* a command after the spec (plan, spec --from-command-line) */
	OPT_ALLOW_CHECK = 8,      /* --no-host */
};

struct run_edit { int opt; const char *val; char *origin; };

struct run_cmdline {
	const char *spec;         /* SPEC.json, or NULL */
	const char *directory;    /* -D DIR */
	const char *machine;      /* -M NAME */
	const char *pid_file;
	unsigned stop_timeout;
	bool boot, json, verbose, no_host;
	int extra_argc;           /* the command: replaces process.args */
	char **extra_argv;
	struct run_edit *edits;   /* options that become spec members, in order */
	size_t n_edits;
	const char *ownership;    /* --private-users-ownership=map|chown, to the loader */
};

/* Parse argv (argv[0] is the verb); prints the error. */
int options_parse(int argc, char **argv, unsigned allow, struct run_cmdline *c);
void options_free(struct run_cmdline *c);
/* The spec tree of the command line, with `*name` the name messages use
 * (the spec file, or "command line") and the option origins. */
int options_build_tree(const struct run_cmdline *c, struct json_node **tree, char **name,
		       struct nsrun_error *err);
/* Build, decode, default and validate: the spec of this command line;
 * *text (when not NULL) gets the tree as a spec file. */
int options_load_spec(const struct run_cmdline *c, FILE *warn, struct spec **out, char **text,
		      struct nsrun_error *err);
/* The command line of `nsrun start NAME`: -M NAME [-b]. */
void options_for_machine(struct run_cmdline *c, const char *name, bool boot);
/* Is argv[1] an option of the foreground run (main.c dispatches on it)? */
bool options_is_run_option(const char *arg);
/* A machine name is a host name: NULL when valid, else why not. */
const char *machine_name_check(const char *name);
/* NAME.json in the image store or in /etc/nsrun, or NULL (caller frees). */
char *machine_spec_file(const char *name);
/* The image store: $NSRUN_MACHINES_DIR, default /var/lib/machines. */
const char *options_machines_dir(void);

#endif
