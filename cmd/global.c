/* What every verb shares: the global options (--root, --log ...), the
 * messages (which go to --log too) and the sealed re-exec. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "common.h"
#include "exec.h"
#include "json.h"
#include "state.h"

struct oci_global oci_global = { .root = NSRUN_DEFAULT_ROOT };

/* The log file of --log: the message as is, or a JSON line (--log-format
 * json, which podman reads). */
static void log_error(const char *msg, const char *safe)
{
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

/* "nsrun: " or "nsrun: warning: " and the message on stderr, control
 * characters escaped (messages may carry names the image chose); errors
 * go to --log too. */
static void message(bool error, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	_cleanup_free_ char *safe = nsrun_escape(msg);
	fprintf(stderr, "nsrun: %s%s\n", error ? "" : "warning: ", safe);
	if (error && oci_global.log)
		log_error(msg, safe);
}

void cmd_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(false, fmt, ap);
	va_end(ap);
}

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(true, fmt, ap);
	va_end(ap);
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

static char **nsrun_argv;

void cmd_set_argv(char **argv)
{
	nsrun_argv = argv;
}

/* SECURITY.md rule 5: every verb that creates a container or enters one
 * runs from a sealed memfd copy of nsrun, whatever
 * the spec says, so that no process of a container (PID 1 during setup, an
 * exec child, a hook it starts, or the host's nsrun itself run again inside
 * through "#!/proc/self/exe") ever has nsrun's file as its /proc/PID/exe.
 * Done before the spec is read, so the work is not repeated.  `start` only
 * tells a created PID 1 (already sealed) to go on, and runs host hooks: it
 * pays nothing, like the verbs that only look (VERB_SEALED in verbs.c). */
int cmd_seal(void)
{
	struct nsrun_error err = { 0 };
	if (exec_seal_self(nsrun_argv, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	return 0;
}
