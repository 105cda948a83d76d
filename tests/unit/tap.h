/* A tiny TAP producer for the unit tests: each check prints "ok N - name"
 * or "not ok N - name", and tap_done() prints the plan and returns the
 * exit status.  tests/run counts the lines. */
#ifndef NSRUN_TAP_H
#define NSRUN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

/* Compare strings; on mismatch print both as TAP diagnostics. */
__attribute__((unused))
static int tap_str_eq(const char *got, const char *want, const char *name)
{
	int eq = got && want && strcmp(got, want) == 0;
	tap_ok(eq, "%s", name);
	if (!eq)
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)", want ? want : "(null)");
	return eq;
}

__attribute__((unused))
static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
