/* Data-driven tests of the spec reader, validator and planner.
 *
 * tests/specs/bad/NAME.json must be refused; NAME.err holds the exact
 * message (what `nsrun check` prints after "nsrun: ").  tests/specs/good/
 * NAME.json must be accepted; an optional NAME.plan is the golden output of
 * `nsrun plan` with the spec's directory written as @DIR@.  In both, an
 * optional NAME.warn holds the exact warnings (unknown members); without
 * it there must be none.  examples/NAME.json are checked against
 * tests/specs/examples/NAME.plan the same way.  Files are loaded from their
 * own directory, so messages start with "NAME.json:".
 *
 * NSRUN_UPDATE_GOLDEN=1 rewrites the .err, .warn and .plan files from what
 * the code does now (review the diff before keeping it). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "plan.h"
#include "tap.h"

#define SPECS SOURCE_ROOT "/tests/specs"

static bool update_golden;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in `dir` ending in `suffix`, sorted; NULL-terminated. */
static char **list_dir(const char *dir, const char *suffix, size_t *n)
{
	char **v = NULL;
	*n = 0;
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return xcalloc(1, sizeof(char *));
	size_t sl = strlen(suffix);
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		v = xrealloc(v, (*n + 2) * sizeof(char *));
		v[(*n)++] = xstrdup(e->d_name);
	}
	if (!v)
		return xcalloc(1, sizeof(char *));
	v[*n] = NULL;
	qsort(v, *n, sizeof(char *), cmp_str);
	return v;
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* Whole file (NUL-terminated; *len without it), or NULL if it does not exist. */
static char *read_bytes(const char *path, size_t *len_out)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		buf = xrealloc(buf, cap = cap ? 2 * cap : 4096);
		size_t r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
		if (r == 0 || len < cap - 1)
			break;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

static char *read_text(const char *path)
{
	size_t len;
	return read_bytes(path, &len);
}

static void write_text(const char *path, const char *text)
{
	_cleanup_fclose_ FILE *f = fopen(path, "we");
	if (f)
		fputs(text, f);
}

/* `name` with its ".json" replaced by `ext`. */
static char *sibling(const char *name, const char *ext)
{
	return xasprintf("%.*s%s", (int)(strlen(name) - 5), name, ext);
}

/* Replace every `from` in s by `to`. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	size_t fl = strlen(from);
	for (const char *p = s, *q; *p; p = q + fl) {
		q = fl ? strstr(p, from) : NULL;
		if (!q) {
			fputs(p, f);
			break;
		}
		fwrite(p, 1, (size_t)(q - p), f);
		fputs(to, f);
	}
	fclose(f);
	return out;
}

/* Compare multi-line text with a golden file; print a small diff. */
static void check_golden(const char *got, const char *golden_path, const char *what)
{
	_cleanup_free_ char *want = read_text(golden_path);
	if (update_golden) {
		if (!want || strcmp(want, got) != 0)
			write_text(golden_path, got);
		tap_ok(1, "%s (golden updated)", what);
		return;
	}
	bool eq = want && strcmp(want, got) == 0;
	if (tap_ok(eq, "%s", what))
		return;
	if (!want) {
		printf("#   missing %s\n", golden_path);
		return;
	}
	/* The first differing line. */
	const char *a = got, *b = want;
	for (unsigned line = 1;; line++) {
		const char *ea = strchrnul(a, '\n'), *eb = strchrnul(b, '\n');
		if (ea - a != eb - b || strncmp(a, b, (size_t)(ea - a)) != 0) {
			printf("#   line %u differs\n#   got:  %.*s\n#   want: %.*s\n", line,
			       (int)(ea - a), a, (int)(eb - b), b);
			return;
		}
		if (!*ea || !*eb)
			return;
		a = ea + 1;
		b = eb + 1;
	}
}

struct result {
	int r;
	struct nsrun_error err;
	char *warnings;
	struct plan *plan;
};

/* spec_load_file + plan_build, as `nsrun check` does it. */
static void load(const char *name, struct result *res)
{
	size_t wlen = 0;
	struct spec *spec = NULL;
	FILE *warn = open_memstream(&res->warnings, &wlen);
	memset(&res->err, 0, sizeof(res->err));
	res->plan = NULL;
	res->r = spec_load_file(name, warn, &spec, &res->err);
	if (res->r == 0)
		res->r = plan_build(spec, NULL, &plan_host_permissive, &res->plan, &res->err);
	fclose(warn);
}

static void result_free(struct result *res)
{
	free(res->warnings);
	plan_free(res->plan);
}

static void check_warnings(const char *name, const char *warnings)
{
	_cleanup_free_ char *path = sibling(name, ".warn");
	_cleanup_free_ char *want = read_text(path);
	if (!want && !warnings[0] && !update_golden)
		return;
	if (update_golden && !want && !warnings[0])
		return;
	check_golden(warnings, path, "  warnings");
}

static void test_bad(void)
{
	size_t n;
	char **names = list_dir(SPECS "/bad", ".json", &n);
	tap_ok(n > 0, "bad specs found in tests/specs/bad");
	if (chdir(SPECS "/bad") < 0)
		return;
	unsigned with_position = 0;
	for (size_t i = 0; i < n; i++) {
		struct result res;
		load(names[i], &res);
		_cleanup_free_ char *err_path = sibling(names[i], ".err");
		_cleanup_free_ char *want = read_text(err_path);
		if (update_golden && res.r < 0) {
			_cleanup_free_ char *line = xasprintf("%s\n", res.err.msg);
			write_text(err_path, line);
			free(want);
			want = xstrdup(line);
		}
		if (want)
			want[strcspn(want, "\n")] = '\0';
		if (!tap_ok(res.r < 0, "bad/%s is refused", names[i]))
			printf("#   want: %s\n", want ? want : "(no .err file)");
		else
			tap_str_eq(res.err.msg, want, "  message");
		/* "NAME.json:LINE:COL: " */
		unsigned line, col;
		char c;
		size_t nl = strlen(names[i]);
		if (strncmp(res.err.msg, names[i], nl) == 0 &&
		    sscanf(res.err.msg + nl, ":%u:%u%c", &line, &col, &c) == 3 && c == ':')
			with_position++;
		check_warnings(names[i], res.warnings);
		result_free(&res);
	}
	printf("# %u of %zu bad specs are refused with a line:column\n", with_position, n);
	free_strv(names);
}

static char *plan_text(const struct plan *p, const char *dir)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	plan_print(p, f);
	fclose(f);
	char *r = replace_all(out, dir, "@DIR@");
	free(out);
	return r;
}

static void test_good_dir(const char *dir, const char *golden_dir, const char *label)
{
	size_t n;
	char **names = list_dir(dir, ".json", &n);
	tap_ok(n > 0, "specs found in %s", label);
	if (chdir(dir) < 0)
		return;
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)))
		return;
	for (size_t i = 0; i < n; i++) {
		struct result res;
		load(names[i], &res);
		if (!tap_ok(res.r == 0, "%s/%s is accepted", label, names[i]))
			printf("#   error: %s\n", res.err.msg);
		check_warnings(names[i], res.warnings);
		_cleanup_free_ char *plan_name = sibling(names[i], ".plan");
		_cleanup_free_ char *golden = xasprintf("%s/%s", golden_dir, plan_name);
		struct stat st;
		if (res.plan && (stat(golden, &st) == 0 || golden_dir != dir)) {
			_cleanup_free_ char *text = plan_text(res.plan, cwd);
			check_golden(text, golden, "  plan");
		}
		result_free(&res);
	}
	free_strv(names);
}

/* Limits that are awkward as fixtures: a file over 4 MiB, nesting just
 * at and just past the cap, a directory, a missing file. */
/* A file over 4 MiB, and nesting over 64 levels, are refused. */
static void test_limits_size(void)
{
	struct result res;
	FILE *f;
	size_t len = JSON_MAX_FILE_SIZE + 1;
	char *big = xmalloc(len);
	memset(big, ' ', len);
	static const char small[] = "{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"x\"]}}";
	memcpy(big, small, sizeof(small) - 1);
	f = fopen("big.json", "we");
	if (f) {
		fwrite(big, 1, len, f);
		fclose(f);
	}
	free(big);
	load("big.json", &res);
	tap_ok(res.r < 0, "a file over 4 MiB is refused");
	tap_str_eq(res.err.msg, "big.json: file is larger than 4194304 bytes", "  message");
	result_free(&res);
	unlink("big.json");

	/* 64 levels are allowed (the top-level object, then arrays in an
	 * unknown member, which only warns); 65 are not. */
	for (int depth = 64; depth <= 65; depth++) {
		char *doc = NULL;
		size_t dl = 0;
		f = open_memstream(&doc, &dl);
		fputs("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"x\"]}, \"deep\": ", f);
		for (int k = 0; k < depth - 1; k++)
			fputc('[', f);
		for (int k = 0; k < depth - 1; k++)
			fputc(']', f);
		fputs("}\n", f);
		fclose(f);
		write_text("deep.json", doc);
		free(doc);
		load("deep.json", &res);
		if (depth == 64) {
			tap_ok(res.r == 0, "nesting of 64 levels is accepted");
			tap_str_eq(res.warnings, "deep.json:1:53: warning: /deep: unknown member, ignored\n",
				   "  with a warning for the unknown member");
		} else {
			tap_ok(res.r < 0, "nesting of 65 levels is refused");
			tap_str_eq(res.err.msg, "deep.json:1:124: nesting deeper than 64 levels",
				   "  message");
		}
		result_free(&res);
	}
	unlink("deep.json");
}

static void test_limits_lists(void)
{
	struct result res;
	FILE *f;
	/* Lists whose checking or planning is quadratic are bounded: with
	 * 4 MiB of "@known", "~@known" planning took minutes. */
	static const struct { const char *name, *head, *item, *tail; int max; const char *want; } lists[] = {
		{ "devices", "\"linux\": {\"devices\": [", "{\"path\": \"/dev/d%d\", \"type\": \"p\"}", "]}",
		  SPEC_DEVICES_MAX, "lists.json:1:74: /linux/devices: more than 4096 devices" },
		{ "syscallFilter", "\"linux\": {\"syscallFilter\": [", "\"%s@known\"", "]}",
		  SPEC_SYSCALL_FILTER_MAX, "lists.json:1:80: /linux/syscallFilter: more than 4096 entries" },
		{ "resources/blockIO/weightDevice",
		  "\"linux\": {\"resources\": {\"blockIO\": {\"weightDevice\": [",
		  "{\"major\": 8, \"minor\": %d, \"weight\": 10}", "]}}}", SPEC_DEVICES_MAX,
		  "lists.json:1:105: /linux/resources/blockIO/weightDevice: more than 4096 devices" },
	};
	for (size_t k = 0; k < ARRAY_SIZE(lists); k++) {
		for (int n = lists[k].max; n <= lists[k].max + 1; n++) {
			f = fopen("lists.json", "we");
			if (!f)
				break;
			fprintf(f, "{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"x\"]}, %s", lists[k].head);
			for (int i = 0; i < n; i++) {
				fputs(i ? ", " : "", f);
				if (k == 1)
					fprintf(f, lists[k].item, i % 2 ? "~" : "");
				else
					fprintf(f, lists[k].item, i);
			}
			fprintf(f, "%s}\n", lists[k].tail);
			fclose(f);
			load("lists.json", &res);
			if (n == lists[k].max) {
				if (!tap_ok(res.r == 0, "%d entries in /linux/%s are accepted", n, lists[k].name))
					printf("#   error: %s\n", res.err.msg);
			} else {
				tap_ok(res.r < 0, "%d entries in /linux/%s are refused", n, lists[k].name);
				tap_str_eq(res.err.msg, lists[k].want, "  message");
			}
			result_free(&res);
		}
	}
	unlink("lists.json");
}

/* Warnings stop after SPEC_WARNINGS_MAX; directories and missing files. */
static void test_limits_files(void)
{
	struct result res;
	FILE *f;
	/* Warnings stop after SPEC_WARNINGS_MAX, with a line that says so. */
	f = fopen("warn.json", "we");
	if (f) {
		fputs("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"x\"]}", f);
		for (int i = 0; i < SPEC_WARNINGS_MAX + 5; i++)
			fprintf(f, ",\n\"unknown%d\": 1", i);
		fputs("}\n", f);
		fclose(f);
	}
	load("warn.json", &res);
	tap_ok(res.r == 0, "a spec with %d unknown members is accepted", SPEC_WARNINGS_MAX + 5);
	{
		_cleanup_free_ char *want = NULL;
		size_t wl = 0;
		FILE *w = open_memstream(&want, &wl);
		for (int i = 0; i < SPEC_WARNINGS_MAX; i++)
			fprintf(w, "warn.json:%d:1: warning: /unknown%d: unknown member, ignored\n", i + 2, i);
		fprintf(w, "warn.json: warning: more than %d warnings, the rest are not shown\n",
			SPEC_WARNINGS_MAX);
		fclose(w);
		tap_str_eq(res.warnings, want, "  only the first 20 warnings are shown");
	}
	result_free(&res);
	unlink("warn.json");

	mkdir("dir.json", 0755);
	load("dir.json", &res);
	tap_ok(res.r < 0, "a directory is refused");
	tap_str_eq(res.err.msg, "dir.json: not a regular file", "  message");
	result_free(&res);
	rmdir("dir.json");

	load("missing.json", &res);
	tap_ok(res.r < 0, "a missing file is refused");
	tap_str_eq(res.err.msg, "missing.json: open: ENOENT (No such file or directory)", "  message");
	result_free(&res);
}

static void test_limits(void)
{
	char dir[] = "/tmp/nsrun-test-spec-XXXXXX";
	if (!tap_ok(mkdtemp(dir) != NULL, "temporary directory") || chdir(dir) < 0)
		return;
	test_limits_size();
	test_limits_lists();
	test_limits_files();
	if (chdir("/") == 0)
		rmdir(dir);
}

/* Each input that once crashed a fuzz target must now be handled: loaded
 * without a crash (under the sanitizer build, without a leak). */
static void test_fuzz_regressions(void)
{
	static const char *const dirs[] = { SOURCE_ROOT "/tests/fuzz/regressions/spec",
					    SOURCE_ROOT "/tests/fuzz/regressions/json" };
	FILE *devnull = fopen("/dev/null", "we");
	for (size_t k = 0; k < ARRAY_SIZE(dirs); k++) {
		size_t n;
		char **names = list_dir(dirs[k], "", &n);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *path = xasprintf("%s/%s", dirs[k], names[i]);
			size_t len = 0;
			_cleanup_free_ char *text = read_bytes(path, &len);
			struct nsrun_error err = { 0 };
			struct json_node *root = NULL;
			struct spec *spec = NULL;
			struct plan *plan = NULL;
			if (text && json_parse(text, len, "/fuzz/config.json", &root, &err) == 0 &&
			    spec_load_tree(root, "/fuzz/config.json", devnull, &spec, &err) == 0 &&
			    plan_build(spec, NULL, &plan_host_permissive, &plan, &err) == 0) {
				plan_print(plan, devnull);
				plan_print_json(plan, devnull);
			}
			json_free(root);
			plan_free(plan);
			tap_ok(text != NULL, "fuzz regression %s/%s", strrchr(dirs[k], '/') + 1, names[i]);
		}
		free_strv(names);
	}
	if (devnull)
		fclose(devnull);
}

int main(void)
{
	update_golden = getenv("NSRUN_UPDATE_GOLDEN") && strcmp(getenv("NSRUN_UPDATE_GOLDEN"), "1") == 0;
	test_bad();
	test_good_dir(SPECS "/good", SPECS "/good", "good");
	test_good_dir(SOURCE_ROOT "/examples", SPECS "/examples", "examples");
	test_limits();
	test_fuzz_regressions();
	return tap_done();
}
