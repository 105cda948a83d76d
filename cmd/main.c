/* nsrun's command line: dispatch to the verbs.  No container logic here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "config.h"

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
	"\n"
	"Options for running:\n"
	"  --pid-file FILE      write the host PID of the container's PID 1 to FILE\n"
	"  -h, --help           show this help (also: nsrun COMMAND --help)\n"
	"  --version            show the version\n"
	"\n"
	"Exit status: the container's; 128+N if it was killed by signal N;\n"
	"125 when nsrun itself fails (bad spec, a setup step failed), 126 when the\n"
	"program cannot be executed, 127 when it is not found.\n";

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	fputs("nsrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return NSRUN_EXIT_FAILURE;
	}
	const char *verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 || strcmp(verb, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(verb, "--version") == 0 || strcmp(verb, "version") == 0) {
		printf("nsrun version %s\n", NSRUN_VERSION);
		return 0;
	}
	static const struct { const char *name; int (*fn)(int, char **); } verbs[] = {
		{ "plan", cmd_plan }, { "check", cmd_check }, { "spec", cmd_spec },
		{ "analyze", cmd_analyze },
	};
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verb, verbs[i].name) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	static const char *const oci_verbs[] = { "create", "start", "state", "kill", "delete", "run",
		"exec", "list", "ps", "pause", "resume", "features", "update", "boot" };
	for (size_t i = 0; i < ARRAY_SIZE(oci_verbs); i++)
		if (strcmp(verb, oci_verbs[i]) == 0) {
			cmd_error("'%s' is not supported yet by nsrun %s", verb, NSRUN_VERSION);
			return NSRUN_EXIT_FAILURE;
		}
	if (strcmp(verb, "--pid-file") != 0 && verb[0] == '-' && strcmp(verb, "--") != 0) {
		cmd_error("unknown option '%s'; see nsrun --help", verb);
		return NSRUN_EXIT_FAILURE;
	}
	return cmd_run_foreground(argc, argv);
}
