/* `nsrun analyze`: inspect nsrun's built-in data.
 *
 * `nsrun analyze syscall-filter` prints byte for byte what systemd 252's
 * `systemd-analyze syscall-filter` prints, so the two can be diffed: the same
 * layout, the same colour decisions and escape codes, the same messages on
 * stderr, the same exit status.  On top of that it resolves plain syscall
 * names to the groups containing them, and has --expand and --json. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "commands.h"
#include "common.h"
#include "json.h"
#include "syscall-groups.h"

/* ---- terminal styling ----------------------------------------------------
 * Decided once, before any output (and before a pager takes over stdout),
 * with systemd's rules: SYSTEMD_COLORS (a boolean, "16" or "256") wins, then
 * NO_COLOR (set at all) turns colours off, otherwise colours are on when
 * both stdout and stderr are terminals and TERM is set and not "dumb".
 * TERM=linux gets no underline.  Log lines on a terminal end in "\r\n". */

#define ANSI_NORMAL "\x1b[0m"
#define ANSI_HIGHLIGHT "\x1b[0;1;39m"
#define ANSI_UNDERLINE "\x1b[0;4m"
#define ANSI_HIGHLIGHT_RED "\x1b[0;1;31m"
#define ANSI_HIGHLIGHT_YELLOW "\x1b[0;1;33m"
#define ANSI_HIGHLIGHT_YELLOW_256 "\x1b[0;1;38;5;185m"

static struct {
	bool color, color256, underline;
	bool stderr_tty;
	bool interactive;   /* stdout and stderr are terminals, TERM not dumb */
} term;

static int parse_boolean(const char *v)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

static void term_init(void)
{
	const char *colors = getenv("SYSTEMD_COLORS"), *t = getenv("TERM");
	int b = colors ? parse_boolean(colors) : -1;

	term.stderr_tty = isatty(STDERR_FILENO);
	term.interactive = isatty(STDOUT_FILENO) && term.stderr_tty &&
			   t && strcmp(t, "dumb") != 0;
	term.color256 = true;
	if (b >= 0)
		term.color = b;
	else if (colors && (strcmp(colors, "16") == 0 || strcmp(colors, "256") == 0))
		term.color = true, term.color256 = strcmp(colors, "256") == 0;
	else if (getenv("NO_COLOR"))
		term.color = false;
	else
		term.color = term.interactive;
	term.underline = term.color && !(t && strcmp(t, "linux") == 0);
}

static const char *hl(void) { return term.color ? ANSI_HIGHLIGHT : ""; }
static const char *normal(void) { return term.color ? ANSI_NORMAL : ""; }
/* Prefix of a nested "@group" line: systemd resets, then underlines. */
static const char *ul(void)
{
	return !term.color ? "" : term.underline ? ANSI_NORMAL ANSI_UNDERLINE : ANSI_NORMAL;
}

enum level { LEVEL_ERROR, LEVEL_WARNING, LEVEL_NOTICE };

/* A message on stderr the way systemd's log does it on a console: colour by
 * level, no program prefix.  stdout is flushed first so the message comes
 * below the normal output, as systemd-analyze arranges it. */
__attribute__((format(printf, 2, 3)))
static void log_msg(enum level level, const char *fmt, ...)
{
	char buf[2048];
	const char *on = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (term.color)
		on = level == LEVEL_ERROR ? ANSI_HIGHLIGHT_RED :
		     level == LEVEL_WARNING ? (term.color256 ? ANSI_HIGHLIGHT_YELLOW_256
							     : ANSI_HIGHLIGHT_YELLOW) :
		     ANSI_HIGHLIGHT;
	fflush(stdout);
	fprintf(stderr, "%s%s%s%s", on, buf, term.color ? ANSI_NORMAL : "",
		term.stderr_tty ? "\r\n" : "\n");
}

/* ---- pager ---------------------------------------------------------------
 * Like systemd-analyze: when interactive and not --no-pager, the output goes
 * through $PAGER (default less, with LESS=FRSXMK unless set: quit if it fits
 * one screen, pass colours).  PAGER="" or "cat" disables it.  As root (or
 * setuid) $PAGER is ignored and only less runs, with LESSSECURE=1, so that
 * `sudo nsrun analyze` gives no shell escape.  stderr, when it is the same
 * terminal, goes into the pager too so messages stay in order. */

static pid_t pager_pid = -1;
static bool pager_has_stderr;

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && sa.st_rdev == sb.st_rdev;
}

static void pager_child(int in, const char *pager, bool secure)
{
	char buf[4096];
	ssize_t r;

	if (dup2(in, STDIN_FILENO) < 0)
		_exit(EXIT_FAILURE);
	setenv("LESS", "FRSXMK", 0);
	if (secure)
		setenv("LESSSECURE", "1", 1);
	if (pager)
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
	else {
		execlp("less", "less", (char *)NULL);
		if (!secure)
			execlp("more", "more", (char *)NULL);
	}
	/* No pager could be run: pass the output through unchanged. */
	while ((r = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		for (ssize_t w, off = 0; off < r; off += w)
			if ((w = write(STDOUT_FILENO, buf + off, (size_t)(r - off))) <= 0)
				_exit(EXIT_FAILURE);
	_exit(EXIT_SUCCESS);
}

static void pager_open(void)
{
	const char *pager = getenv("PAGER");
	bool secure = geteuid() == 0 || geteuid() != getuid();
	bool with_stderr = same_file(STDOUT_FILENO, STDERR_FILENO);
	int fd[2];

	if (!term.interactive || (pager && (!*pager || strcmp(pager, "cat") == 0)))
		return;
	if (secure)
		pager = NULL;
	if (pipe2(fd, O_CLOEXEC) < 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		pager_child(fd[0], pager, secure);
	close(fd[0]);
	if (pid > 0 && dup2(fd[1], STDOUT_FILENO) >= 0) {
		if (with_stderr)
			pager_has_stderr = dup2(fd[1], STDERR_FILENO) >= 0;
		pager_pid = pid;
	} else if (pid > 0) {
		close(fd[1]);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return;
	}
	close(fd[1]);
}

static void pager_close(void)
{
	if (pager_pid < 0)
		return;
	/* EOF on the pipe lets the pager finish; wait so the shell prompt
	 * does not come back while it is still showing the output. */
	fclose(stdout);
	if (pager_has_stderr)
		fclose(stderr);
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}

/* ---- sorted name sets ------------------------------------------------------ */

struct names {
	const char **v;
	size_t n, cap;
};

static void names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = name;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort (strcmp, as systemd's strv_sort) and drop duplicates. */
static void names_sort_unique(struct names *s)
{
	size_t k = 0;
	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (size_t i = 0; i < s->n; i++)
		if (k == 0 || strcmp(s->v[k - 1], s->v[i]) != 0)
			s->v[k++] = s->v[i];
	s->n = k;
}

static bool names_has(const struct names *s, const char *name)
{
	return s->n > 0 && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
}

/* Direct syscall members (not "@group" references) of all groups, or of all
 * groups but @known. */
static void direct_members(struct names *s, bool with_known)
{
	SYSCALL_GROUP_FOREACH(g) {
		if (!with_known && strcmp(g->name, "@known") == 0)
			continue;
		for (size_t i = 0; i < g->n_members; i++)
			if (g->members[i][0] != '@')
				names_add(s, g->members[i]);
	}
	names_sort_unique(s);
}

/* ---- the kernel's syscall list from tracefs ------------------------------- */

#define LONG_LINE_MAX (1024u * 1024u)   /* systemd's read_line() limit */

/* Names the kernel traces under a different name than the syscall's own;
 * systemd hides them from the "Unlisted" section. */
static const char *const kernel_internal_names[] = {
	"newuname", "newfstat", "newstat", "newlstat", "sysctl",
};

/* Read to EOF (tracefs files have no size); the buffer has one spare byte
 * after the data so the last line can be NUL-terminated in place. */
static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (cap - n < 2)
			buf = xrealloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Fill `kernel` with the syscalls in available_events ("syscalls:sys_enter_NAME"
 * lines), as systemd-analyze does.  Returns 0 or -errno; messages as systemd
 * logs them (opening fails silently for EPERM/EACCES/ENOENT).  The file text
 * is returned in *text since the names point into it.
 * NSRUN_TRACEFS_EVENTS replaces both paths (for tests: it makes the
 * "Unlisted" section deterministic); ignored in setuid context. */
static int load_kernel_syscalls(struct names *kernel, char **text)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_events",
		"/sys/kernel/debug/tracing/available_events", /* old debugfs mount point */
	};
	const char *override = secure_getenv("NSRUN_TRACEFS_EVENTS");
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	int e = 0, r;

	for (size_t i = 0; i < (override ? 1 : ARRAY_SIZE(paths)) && fd < 0; i++) {
		fd = open(override ? override : paths[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		e = errno;
	}
	if (fd < 0) {
		if (e != EPERM && e != EACCES && e != ENOENT)
			log_msg(LEVEL_WARNING, "Can't read open tracefs' available_events file: %s",
				strerror(e));
		return -e;
	}
	r = read_all(fd, text, &len);
	if (r < 0) {
		log_msg(LEVEL_ERROR, "Failed to read system call list: %s", strerror(-r));
		return r;
	}

	/* Lines end in \n, \r or NUL (systemd's read_line); empty ones are
	 * skipped anyway, so "\r\n" needs no special case. */
	char *p = *text, *end = *text + len;
	while (p < end) {
		char *eol = p;
		while (eol < end && *eol != '\n' && *eol != '\r' && *eol != '\0')
			eol++;
		if ((size_t)(eol - p) >= LONG_LINE_MAX) {
			log_msg(LEVEL_ERROR, "Failed to read system call list: %s", strerror(ENOBUFS));
			return -ENOBUFS;
		}
		*eol = '\0';    /* at end: the spare byte read_all() leaves */
		static const char prefix[] = "syscalls:sys_enter_";
		if (strncmp(p, prefix, sizeof(prefix) - 1) == 0) {
			const char *name = p + sizeof(prefix) - 1;
			bool hidden = false;
			for (size_t i = 0; i < ARRAY_SIZE(kernel_internal_names); i++)
				hidden = hidden || strcmp(name, kernel_internal_names[i]) == 0;
			if (!hidden)
				names_add(kernel, name);
		}
		p = eol + 1;
	}
	names_sort_unique(kernel);
	return 0;
}

/* ---- text output -------------------------------------------------------- */

/* A group's members resolved recursively; -1 after logging the error. */
static int expand_group(const struct syscall_group *g, char ***list, size_t *n)
{
	struct nsrun_error err = { 0 };
	if (syscall_group_expand(g->name, list, n, &err) < 0) {
		log_msg(LEVEL_ERROR, "%s", err.msg);
		return -1;
	}
	return 0;
}

static int print_group(const struct syscall_group *g, bool expand)
{
	printf("%s%s%s\n    # %s\n", hl(), g->name, normal(), g->help);
	if (!expand) {
		for (size_t i = 0; i < g->n_members; i++)
			printf("    %s%s%s\n", g->members[i][0] == '@' ? ul() : "",
			       g->members[i], normal());
		return 0;
	}
	_cleanup_syscall_names_ char **list = NULL;
	size_t n;
	if (expand_group(g, &list, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		printf("    %s%s\n", list[i], normal());
	return 0;
}

static void print_comment_list(const char *title, const char *what, const struct names *s)
{
	printf("\n# %s%s%s (%s):\n", hl(), title, normal(), what);
	for (size_t i = 0; i < s->n; i++)
		printf("#   %s\n", s->v[i]);
}

/* No NAME: every group, then (unless --quiet) the known syscalls no group
 * but @known lists, then the kernel's syscalls no group lists at all. */
static int show_all(bool expand, bool quiet)
{
	struct names kernel = { 0 }, grouped = { 0 }, listed = { 0 }, rest = { 0 };
	const struct syscall_group *known = syscall_group_find("@known");
	_cleanup_free_ char *text = NULL;
	int k = 0, ret = 0;   /* k: result of reading the kernel's list */

	if (!quiet)
		k = load_kernel_syscalls(&kernel, &text);
	SYSCALL_GROUP_FOREACH(g) {
		if (g != syscall_group_table)
			putchar('\n');
		if (print_group(g, expand) < 0) {
			ret = -1;
			goto out;
		}
	}
	if (quiet)
		goto out;

	direct_members(&grouped, false);
	for (size_t i = 0; known && i < known->n_members; i++)
		if (known->members[i][0] != '@' && !names_has(&grouped, known->members[i]))
			names_add(&rest, known->members[i]);
	names_sort_unique(&rest);
	if (rest.n > 0)
		print_comment_list("Ungrouped System Calls",
				   "known but not included in any of the groups except @known", &rest);

	if (k < 0) {
		putchar('\n');
		log_msg(LEVEL_NOTICE, "# Not showing unlisted system calls, couldn't retrieve "
			"kernel system call list: %s", strerror(-k));
		goto out;
	}
	direct_members(&listed, true);
	rest.n = 0;
	for (size_t i = 0; i < kernel.n; i++)
		if (!names_has(&listed, kernel.v[i]))
			names_add(&rest, kernel.v[i]);
	if (rest.n > 0)
		print_comment_list("Unlisted System Calls",
				   "supported by the local kernel, but not included in any of the groups listed above",
				   &rest);
out:
	free(kernel.v);
	free(grouped.v);
	free(listed.v);
	free(rest.v);
	return ret;
}

/* For a group g that contains `syscall` only through nesting, the nested
 * groups (direct members of g) it comes through, as ", "-separated text. */
static char *via_text(const struct syscall_group *g, const char *syscall)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < g->n_members; i++) {
		const struct syscall_group *sub = g->members[i][0] == '@' ?
			syscall_group_find(g->members[i]) : NULL;
		if (!sub || !syscall_group_contains(sub, syscall, true))
			continue;
		char *t = xasprintf("%s%s%s", s, *s ? ", " : "", sub->name);
		free(s);
		s = t;
	}
	return s;
}

/* A syscall name: the groups listing it directly, then the groups that
 * include it through nested groups, with the nested groups it comes via. */
static void print_syscall(const char *syscall)
{
	bool any_nested = false;

	printf("%s%s%s\n    # Listed directly in\n", hl(), syscall, normal());
	SYSCALL_GROUP_FOREACH(g)
		if (syscall_group_contains(g, syscall, false))
			printf("    %s%s%s\n", ul(), g->name, normal());
	SYSCALL_GROUP_FOREACH(g) {
		if (syscall_group_contains(g, syscall, false) ||
		    !syscall_group_contains(g, syscall, true))
			continue;
		if (!any_nested)
			printf("    # Included via nested groups in\n");
		any_nested = true;
		_cleanup_free_ char *via = via_text(g, syscall);
		printf("    %s%s%s (via %s)\n", ul(), g->name, normal(), via);
	}
}

static bool check_name(const char *name)
{
	if (name[0] == '@') {
		if (syscall_group_find(name))
			return true;
		log_msg(LEVEL_ERROR, "Filter set \"%s\" not found.", name);
		return false;
	}
	/* Any group, not just @known: a few names (uretprobe in @default, say)
	 * are listed in groups but not in @known. */
	if (syscall_groups_containing(name, NULL, 0) > 0)
		return true;
	log_msg(LEVEL_ERROR, "System call \"%s\" not found in any filter set.", name);
	return false;
}

/* NAMEs: one block each, separated by an empty line.  An unknown name
 * ends the output there, as systemd-analyze does (after the separator). */
static int show_names(char **names, int n, bool expand)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			putchar('\n');
		if (!check_name(names[i]))
			return -1;
		if (names[i][0] != '@')
			print_syscall(names[i]);
		else if (print_group(syscall_group_find(names[i]), expand) < 0)
			return -1;
	}
	return 0;
}

/* ---- JSON output ------------------------------------------------------------ */

static void json_list(const char *const *v, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", stdout);
		json_write_string(stdout, v[i]);
	}
	putchar(']');
}

static int json_group(const struct syscall_group *g)
{
	_cleanup_syscall_names_ char **list = NULL;
	size_t n;

	if (expand_group(g, &list, &n) < 0)
		return -1;
	fputs("  {\n    \"name\": ", stdout);
	json_write_string(stdout, g->name);
	fputs(",\n    \"help\": ", stdout);
	json_write_string(stdout, g->help);
	fputs(",\n    \"members\": ", stdout);
	json_list(g->members, g->n_members);
	fputs(",\n    \"expanded\": ", stdout);
	json_list((const char *const *)list, n);
	fputs("\n  }", stdout);
	return 0;
}

/* An item of a JSON list: the separator, then NAME as a string. */
static void json_item(const char **sep, const char *name)
{
	fputs(*sep, stdout);
	json_write_string(stdout, name);
	*sep = ", ";
}

static void json_syscall(const char *syscall)
{
	const char *sep = "";

	fputs("  {\n    \"name\": ", stdout);
	json_write_string(stdout, syscall);
	fputs(",\n    \"direct\": [", stdout);
	SYSCALL_GROUP_FOREACH(g) {
		if (syscall_group_contains(g, syscall, false))
			json_item(&sep, g->name);
	}
	fputs("],\n    \"nested\": [", stdout);
	sep = "";
	SYSCALL_GROUP_FOREACH(g) {
		if (syscall_group_contains(g, syscall, false) ||
		    !syscall_group_contains(g, syscall, true))
			continue;
		fprintf(stdout, "%s{\"group\": ", sep);
		json_write_string(stdout, g->name);
		fputs(", \"via\": [", stdout);
		const char *sep2 = "";
		for (size_t i = 0; i < g->n_members; i++) {
			const struct syscall_group *sub = g->members[i][0] == '@' ?
				syscall_group_find(g->members[i]) : NULL;
			if (sub && syscall_group_contains(sub, syscall, true))
				json_item(&sep2, sub->name);
		}
		fputs("]}", stdout);
		sep = ", ";
	}
	fputs("]\n  }", stdout);
}

/* All names are checked first, so that an error leaves no partial JSON. */
static int show_json(char **names, int n)
{
	for (int i = 0; i < n; i++)
		if (!check_name(names[i]))
			return -1;
	fputs("[\n", stdout);
	if (n == 0) {
		SYSCALL_GROUP_FOREACH(g) {
			if (g != syscall_group_table)
				fputs(",\n", stdout);
			if (json_group(g) < 0)
				return -1;
		}
	}
	for (int i = 0; i < n; i++) {
		if (i > 0)
			fputs(",\n", stdout);
		if (names[i][0] != '@')
			json_syscall(names[i]);
		else if (json_group(syscall_group_find(names[i])) < 0)
			return -1;
	}
	fputs("\n]\n", stdout);
	return 0;
}

/* ---- command line ---------------------------------------------------------- */

static void help(void)
{
	printf("nsrun analyze [OPTIONS...] COMMAND ...\n"
	       "\n"
	       "Inspect the data nsrun uses to build containers.\n"
	       "\n"
	       "Commands:\n"
	       "  syscall-filter [NAME...]  List system call groups (\"@group\") and their\n"
	       "                            members, or the groups containing a system call\n"
	       "\n"
	       "Options:\n"
	       "  -h --help     Show this help\n"
	       "     --no-pager Do not pipe output into a pager\n"
	       "  -q --quiet    Without NAME: leave out the Ungrouped and Unlisted sections\n"
	       "     --expand   List each group's members resolved recursively: nested\n"
	       "                groups replaced by their members, sorted, without duplicates\n"
	       "     --json     Print a JSON array instead of text (see below)\n"
	       "\n"
	       "syscall-filter prints what systemd-analyze syscall-filter (systemd 252) prints:\n"
	       "without NAME every group, then the system calls only @known lists\n"
	       "(\"Ungrouped\") and, unless the kernel's list cannot be read from tracefs'\n"
	       "available_events, the kernel's system calls no group lists (\"Unlisted\").\n"
	       "A NAME starting with '@' prints that group.  Any other NAME is a system\n"
	       "call and prints:\n"
	       "\n"
	       "  NAME\n"
	       "      # Listed directly in\n"
	       "      @group                  (every group listing NAME itself)\n"
	       "      # Included via nested groups in\n"
	       "      @outer (via @inner, ...) (groups containing NAME only through the\n"
	       "                               nested groups named after \"via\")\n"
	       "\n"
	       "The second part is left out when empty.  --json prints one object per NAME\n"
	       "(every group without NAME): {\"name\", \"help\", \"members\", \"expanded\"} for a\n"
	       "group, {\"name\", \"direct\": [group...], \"nested\": [{\"group\", \"via\": [group...]}]}\n"
	       "for a system call.\n"
	       "\n"
	       "Colours follow systemd: on when stdout and stderr are terminals, off with\n"
	       "NO_COLOR set; SYSTEMD_COLORS=0|1|16|256 overrides both.  On a terminal the\n"
	       "output goes through $PAGER or less (as root: only less, with LESSSECURE=1).\n"
	       "NSRUN_TRACEFS_EVENTS names a file to read instead of tracefs' available_events.\n"
	       "Exit status: 0 on success, 1 for an unknown NAME or another error.\n");
}

static int syscall_filter(char **names, int n, bool quiet, bool expand, bool json, bool pager)
{
	int r;

	if (pager)
		pager_open();
	if (json)
		r = show_json(names, n);
	else if (n == 0)
		r = show_all(expand, quiet);
	else
		r = show_names(names, n, expand);
	pager_close();
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_analyze(int argc, char **argv)
{
	enum { ARG_NO_PAGER = 0x100, ARG_EXPAND, ARG_JSON };
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-pager", no_argument, NULL, ARG_NO_PAGER },
		{ "expand", no_argument, NULL, ARG_EXPAND },
		{ "json", no_argument, NULL, ARG_JSON },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false, expand = false, json = false, pager = true;
	int c;

	term_init();
	opterr = 0;     /* our own messages, not getopt's "analyze: ..." */
	optind = 0;     /* full re-initialisation in glibc */
	while ((c = getopt_long(argc, argv, "hq", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return EXIT_SUCCESS;
		case 'q':
			quiet = true;
			break;
		case ARG_NO_PAGER:
			pager = false;
			break;
		case ARG_EXPAND:
			expand = true;
			break;
		case ARG_JSON:
			json = true;
			break;
		default:
			if (optopt)
				log_msg(LEVEL_ERROR, "nsrun analyze: invalid option -- '%c'", optopt);
			else
				log_msg(LEVEL_ERROR, "nsrun analyze: unrecognized option '%s'",
					argv[optind - 1]);
			return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		log_msg(LEVEL_ERROR, "nsrun analyze: missing command, see 'nsrun analyze --help'.");
		return EXIT_FAILURE;
	}
	if (strcmp(argv[optind], "syscall-filter") != 0) {
		log_msg(LEVEL_ERROR, "nsrun analyze: unknown command \"%s\", see 'nsrun analyze --help'.",
			argv[optind]);
		return EXIT_FAILURE;
	}
	return syscall_filter(argv + optind + 1, argc - optind - 1, quiet, expand, json, pager);
}
