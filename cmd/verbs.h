/* The verb table (cmd/verbs.c): each verb's name, function, usage, operand
 * counts, whether it runs sealed, and its options for getopt_long.  main.c
 * parses the command line with it; a verb function gets what was parsed. */
#ifndef NSRUN_VERBS_H
#define NSRUN_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What getopt_long found for a verb (or for the global options). */
enum verb_opt_code {
	OPT_IGNORED = 1, OPT_UNSUPPORTED,
	/* global options (before the verb) */
	OPT_ROOT, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP,
	/* create, run, exec */
	OPT_BUNDLE, OPT_PID_FILE, OPT_CONSOLE_SOCKET, OPT_PRESERVE_FDS, OPT_DETACH,
	OPT_PROCESS, OPT_TTY, OPT_CWD, OPT_ENV, OPT_USER,
	/* the other verbs */
	OPT_FORCE, OPT_ALL, OPT_FORMAT, OPT_QUIET, OPT_JSON, OPT_FOLLOW, OPT_FOREGROUND,
	OPT_TIMEOUT, OPT_STATS, OPT_INTERVAL, OPT_RESOURCES, OPT_ROOTLESS,
};

struct verb_opt {
	const char *name;         /* the long option, without "--" */
	char letter;              /* its short form, or 0 */
	int has_arg;              /* no_argument or required_argument */
	enum verb_opt_code code;
};

struct verb;

/* The options of a table-parsed verb, and its operands. */
struct verb_args {
	const struct verb *verb;
	char **operands;
	int n_operands;
	int n_options;            /* how many options were given */
	const char *bundle, *pid_file, *console_socket, *process_file, *cwd, *user;
	const char *resources;
	int preserve_fds;
	bool detach, tty, force, all, quiet, json, format_json, format_given, follow;
	bool foreground, stats, rootless;
	unsigned timeout;         /* stop --timeout, 0 if not given */
	double interval;          /* events --interval, 0 if not given */
	char **env;               /* exec --env KEY=VALUE, in order */
	size_t n_env;
};

#define VERB_ANY (-1)

enum verb_group { GROUP_NONE, GROUP_TOOLS, GROUP_MACHINES, GROUP_BOTH, GROUP_OCI };

enum verb_flag {
	VERB_SEALED = 1,          /* creates or enters a container: runs from the sealed copy */
	VERB_COMMAND_FOLLOWS = 2, /* options end at the first operand (a command follows) */
	VERB_JOINS = VERB_SEALED | VERB_COMMAND_FOLLOWS, /* exec, shell: a command in a container */
};

struct verb {
	const char *name;
	const char *when;         /* only with this word before "--" (spec --from-command-line) */
	enum verb_group group;    /* where nsrun --help lists it (GROUP_NONE: not listed) */
	const char *summary;      /* its line in nsrun --help */
	const char *synopsis;     /* what follows "nsrun VERB" on the Usage line */
	const char *help;         /* the rest of `nsrun VERB --help`; NULL: the verb's own */
	int min, max;             /* operands; max VERB_ANY: any number */
	unsigned flags;           /* enum verb_flag */
	const struct verb_opt *opts; /* ended by { NULL }; NULL: none */
	int (*run)(const struct verb_args *a);
	int (*run_argv)(int argc, char **argv); /* a verb that parses its own argv */
};

/* The verb argv[0] names (with the rest of argv for `when`), or NULL. */
const struct verb *verb_find(int argc, char **argv);
/* The foreground run: nsrun [OPTIONS] SPEC.json. */
extern const struct verb verb_foreground;
/* Parse argv (argv[0] is the verb) with v's options into *a: 0, 1 after
 * printing the help (--help), or -1 after printing the error. */
int verb_parse(const struct verb *v, int argc, char **argv, struct verb_args *a);
void verb_args_free(struct verb_args *a);
/* Print `nsrun VERB --help` to f. */
void verb_usage(const struct verb *v, FILE *f);
/* Print nsrun --help's list of the verbs of a group to f. */
void verb_list(enum verb_group g, FILE *f);
/* The global options before the verb (--root ...): parsed into
 * oci_global; returns the index of the verb, or -1 after an error. */
int verb_parse_global(int argc, char **argv);

#endif
