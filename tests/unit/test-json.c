/* Unit tests for spec/json.c: tree shape, positions, raw numbers, every
 * error message, limits, json_parse_file and json_write_string. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "tap.h"

/* Parse a document that must be accepted. */
static struct json_node *parse_ok(const char *doc, size_t len, const char *what)
{
	struct nsrun_error err = { 0 };
	struct json_node *n = NULL;
	int r = json_parse(doc, len, "t.json", &n, &err);
	if (!tap_ok(r == 0 && n, "parses: %s", what))
		printf("#   error: %s\n", err.msg);
	return r == 0 ? n : NULL;
}

/* Parse a document that must be refused with exactly `want`. */
static void parse_err(const char *doc, size_t len, const char *name, const char *want)
{
	struct nsrun_error err = { 0 };
	struct json_node *n = (struct json_node *)(void *)&err;   /* must be reset to NULL */
	int r = json_parse(doc, len, name, &n, &err);
	if (r == 0)
		json_free(n);
	tap_ok(r == -1 && n == NULL, "refused: %s", want);
	tap_str_eq(err.msg, want, "  message");
}

#define OK(doc, what) parse_ok((doc), sizeof(doc) - 1, (what))
#define ERR(doc, want) parse_err((doc), sizeof(doc) - 1, "x.json", (want))

static void check_pos(unsigned line, unsigned col, unsigned wl, unsigned wc, const char *what)
{
	if (!tap_ok(line == wl && col == wc, "position of %s is %u:%u", what, wl, wc))
		printf("#   got %u:%u\n", line, col);
}

static void test_positions(void)
{
	static const char doc[] =
		"\n"
		"  {\n"
		"    \"name\": \"x\",\n"
		"\t\"n\": [1, -0,1e3 ,  12.50],\n"
		"    \"o\" :{\"t\":true,\"f\": false, \"z\":null, \"e\": {}, \"a\": []}\n"
		"  }\n";
	_cleanup_json_ struct json_node *root = OK(doc, "multi-line document");
	if (!root)
		return;
	check_pos(root->line, root->col, 2, 3, "the top-level object");
	tap_ok(root->type == JSON_OBJECT && root->count == 3, "three members");

	struct json_member *m = json_object_member(root, "name");
	tap_ok(m && m->value->type == JSON_STRING && strcmp(m->value->text, "x") == 0, "name is \"x\"");
	if (m) {
		check_pos(m->line, m->col, 3, 5, "key \"name\"");
		check_pos(m->value->line, m->value->col, 3, 13, "value of \"name\"");
	}

	m = json_object_member(root, "n");
	tap_ok(m && m->value->type == JSON_ARRAY && m->value->count == 4, "n is an array of 4");
	if (m && m->value->count == 4) {
		struct json_node **it = m->value->items;
		check_pos(m->line, m->col, 4, 2, "key \"n\" (after a tab)");
		check_pos(m->value->line, m->value->col, 4, 7, "array \"n\"");
		static const unsigned cols[] = { 8, 11, 14, 21 };
		static const char *texts[] = { "1", "-0", "1e3", "12.50" };
		for (int i = 0; i < 4; i++) {
			check_pos(it[i]->line, it[i]->col, 4, cols[i], texts[i]);
			tap_ok(it[i]->type == JSON_NUMBER && strcmp(it[i]->text, texts[i]) == 0 &&
			       it[i]->len == strlen(texts[i]), "number kept as written: %s", texts[i]);
		}
	}

	m = json_object_member(root, "o");
	struct json_node *o = m ? m->value : NULL;
	tap_ok(o && o->type == JSON_OBJECT && o->count == 5, "o is an object of 5");
	if (o && o->count == 5) {
		check_pos(m->line, m->col, 5, 5, "key \"o\"");
		check_pos(o->line, o->col, 5, 10, "object \"o\"");
		static const struct { const char *key; enum json_type t; unsigned kc, vc; } want[] = {
			{ "t", JSON_BOOL, 11, 15 }, { "f", JSON_BOOL, 20, 25 },
			{ "z", JSON_NULL, 32, 36 }, { "e", JSON_OBJECT, 42, 47 },
			{ "a", JSON_ARRAY, 51, 56 },
		};
		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			struct json_member *om = &o->members[i];
			tap_ok(strcmp(om->key, want[i].key) == 0 && om->value->type == want[i].t &&
			       !om->used, "member %zu of o is \"%s\", a %s", i, want[i].key,
			       json_type_name(want[i].t));
			check_pos(om->line, om->col, 5, want[i].kc, "a key in o");
			check_pos(om->value->line, om->value->col, 5, want[i].vc, "a value in o");
		}
		tap_ok(o->members[0].value->boolean && !o->members[1].value->boolean, "true and false");
		tap_ok(o->members[3].value->count == 0 && o->members[4].value->count == 0,
		       "empty object and array");
	}
	tap_ok(json_object_member(root, "missing") == NULL, "absent member is NULL");
	tap_ok(json_object_member(root->members[1].value, "n") == NULL, "lookup in an array is NULL");
}

static void test_values(void)
{
	_cleanup_json_ __attribute__((unused)) struct json_node *r = OK(
		"{\"n\":[0,-0,-0.0e-0,1E+2,123456789012345678901234567890,1.5e308,2e-400],"
		"\"s\":\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00\xc3\xa9\xf0\x9f\x98\x80\","
		"\"\\u00e9\\n\":1, \"\":2}", "numbers, escapes, UTF-8");
	if (!r)
		return;
	static const char *nums[] = { "0", "-0", "-0.0e-0", "1E+2", "123456789012345678901234567890",
				      "1.5e308", "2e-400" };
	struct json_node *n = r->members[0].value;
	for (size_t i = 0; i < ARRAY_SIZE(nums) && i < n->count; i++)
		tap_str_eq(n->items[i]->text, nums[i], "number as written (no range check)");
	struct json_node *s = r->members[1].value;
	static const char want[] = "a\"b\\c/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xf0\x9f\x98\x80";
	tap_ok(s->len == sizeof(want) - 1 && memcmp(s->text, want, sizeof(want)) == 0,
	       "escapes decoded, surrogate pair joined, UTF-8 passed through");
	tap_str_eq(r->members[2].key, "\xc3\xa9\n", "escapes decoded in keys");
	tap_ok(r->members[3].key[0] == '\0', "empty key");
}

static void test_top_level(void)
{
	ERR("[1]", "x.json:1:1: the top level must be a JSON object, got an array");
	ERR("\n  \"s\"", "x.json:2:3: the top level must be a JSON object, got a string");
	ERR(" 42", "x.json:1:2: the top level must be a JSON object, got a number");
	ERR("42 ", "x.json:1:1: the top level must be a JSON object, got a number");
	ERR("null", "x.json:1:1: the top level must be a JSON object, got null");
	ERR("\ttrue", "x.json:1:2: the top level must be a JSON object, got a boolean");
	ERR("", "x.json: the file is empty, expected a JSON object");
	ERR(" \n\t\r\n", "x.json: the file is empty, expected a JSON object");
	ERR("{\n \"a\": 1\n}\n x", "x.json:4:2: trailing data after the top-level object");
	ERR("{}{}", "x.json:1:3: trailing data after the top-level object");
	ERR("{} \xff", "x.json:1:4: trailing data after the top-level object");
	ERR("{}\n,", "x.json:2:1: trailing data after the top-level object");
	_cleanup_json_ __attribute__((unused)) struct json_node *r = OK("\n{}\n\n \t", "trailing whitespace");
}

static void test_duplicates(void)
{
	static const char host[] = "{\n    \"hostname\": \"a\",\n    \"hostname\": \"b\"\n}";
	parse_err(host, sizeof(host) - 1, "config.json",
		  "config.json:3:5: duplicate key \"hostname\" (first at 2:5)");
	ERR("{\"a\": {\"b\": 1, \"b\": 2}}", "x.json:1:16: duplicate key \"b\" (first at 1:8)");
	ERR("{\"k\":1,\"j\":2,\"k\":3,\"j\":4,\"k\":5}", "x.json:1:14: duplicate key \"k\" (first at 1:2)");
	ERR("{\"b\":1,\"a\":2,\"a\":3,\"b\":4}", "x.json:1:14: duplicate key \"a\" (first at 1:8)");
	ERR("{\"a\\n\\\"\":1,\"a\\u000a\\u0022\":2}",
	    "x.json:1:12: duplicate key \"a\\n\\\"\" (first at 1:2)");
	ERR("{\"x\":[{\"a\":1},{\"a\":1,\"c\":0,\"a\":2}]}",
	    "x.json:1:28: duplicate key \"a\" (first at 1:16)");
	/* A long key is cut by the message buffer, not overflowing it. */
	char *key = xmalloc(4001);
	memset(key, 'k', 4000);
	key[4000] = '\0';
	char *doc = xasprintf("{\"%s\":1,\n\"%s\":2}", key, key);
	struct nsrun_error err = { 0 };
	struct json_node *n = NULL;
	tap_ok(json_parse(doc, strlen(doc), "x.json", &n, &err) == -1 &&
	       strncmp(err.msg, "x.json:2:1: duplicate key \"kkk", 30) == 0 &&
	       strlen(err.msg) == sizeof(err.msg) - 1, "duplicate long key: message cut to fit");
	free(doc);
	free(key);
	_cleanup_json_ __attribute__((unused)) struct json_node *r = OK("{\"a\": {\"a\": 1}, \"b\": {\"a\": {\"a\": 2}}, \"c\": [{\"a\":1},{\"a\":2}]}",
						"the same key in different objects");
	_cleanup_json_ __attribute__((unused)) struct json_node *r2 = OK("{\"a\":1,\"A\":2,\"a \":3,\"\":4}", "keys that only look alike");
}

static void test_nesting(void)
{
	/* The top-level object is level 1. */
	char doc[512];
	for (int levels = 63; levels <= 66; levels++) {
		int open = levels - 1;   /* arrays inside {"a": ...} */
		size_t n = 0;
		n += (size_t)sprintf(doc, "{\"a\":");
		for (int i = 0; i < open; i++)
			doc[n++] = '[';
		for (int i = 0; i < open; i++)
			doc[n++] = ']';
		doc[n++] = '}';
		if (levels <= JSON_MAX_DEPTH) {
			struct json_node *r = parse_ok(doc, n, levels == 64 ? "64 levels" : "63 levels");
			size_t depth = 0;
			for (struct json_node *x = r; x; depth++)
				x = x->type == JSON_OBJECT ? x->members[0].value :
				    x->count ? x->items[0] : NULL;
			tap_ok(depth == (size_t)levels, "tree is %d levels deep", levels);
			json_free(r);
		} else {
			/* the 65th container is the 64th '[' at column 5 + 64 */
			parse_err(doc, n, "x.json", "x.json:1:69: nesting deeper than 64 levels");
		}
	}
	/* Objects count too, and the position is of the opening brace: the
	 * 64th on line 2, after one space and 63 times "a":{ */
	size_t n = 0;
	n += (size_t)sprintf(doc, "{\n ");
	for (int i = 1; i < 65; i++)
		n += (size_t)sprintf(doc + n, "\"a\":{");
	n += (size_t)sprintf(doc + n, "}");
	parse_err(doc, n, "x.json", "x.json:2:321: nesting deeper than 64 levels");
}

static void test_nul(void)
{
	ERR("{\n  \"name\": \"ab\\u0000c\"}", "x.json:2:14: string contains a NUL byte (\\u0000)");
	ERR("{\"a\\u0000\": 1}", "x.json:1:4: string contains a NUL byte (\\u0000)");
	ERR("{\"a\": \"x\\\\u0000\", \"b\": \"\\u0000\"}", "x.json:1:25: string contains a NUL byte (\\u0000)");
	ERR("{\"a\":\"x\0\"}", "x.json:1:8: the file contains a NUL byte");
	ERR("{\"a\":1}\n\0", "x.json:2:1: the file contains a NUL byte");
	ERR("\0", "x.json:1:1: the file contains a NUL byte");
	/* yajl would take \v and \f for whitespace */
	ERR("{\v}", "x.json:1:2: invalid JSON: unexpected control character 0x0b");
	ERR("{}\n\f", "x.json:2:1: invalid JSON: unexpected control character 0x0c");
	ERR("{\"a\":\"\x01\"}", "x.json:1:7: invalid JSON: unexpected control character 0x01");
	ERR("{\"a\":\"\x1f\"}", "x.json:1:7: invalid JSON: unexpected control character 0x1f");
	_cleanup_json_ __attribute__((unused)) struct json_node *r = OK("{\"a\":\"\\u0001\\\\u0000\"}", "\\\\u0000 is not a NUL");
	if (r)
		tap_str_eq(r->members[0].value->text, "\x01\\u0000", "  and decodes to backslash-u0000");
}

static void test_utf8(void)
{
	ERR("{\"a\":\"ok\xc3(ok\"}", "x.json:1:9: invalid UTF-8 in string");
	ERR("{\"a\":\"\x80\"}", "x.json:1:7: invalid UTF-8 in string");
	ERR("{\"a\":\"x\xc3\"}", "x.json:1:8: invalid UTF-8 in string");
	ERR("{\"a\":\"\xc0\xaf\"}", "x.json:1:7: invalid UTF-8 in string");          /* overlong '/' */
	ERR("{\"a\":\"\xe0\x80\xaf\"}", "x.json:1:7: invalid UTF-8 in string");      /* overlong */
	ERR("{\"a\":\"\xed\xa0\x80\"}", "x.json:1:7: invalid UTF-8 in string");      /* surrogate */
	ERR("{\"a\":\"\xf4\x90\x80\x80\"}", "x.json:1:7: invalid UTF-8 in string");  /* > U+10FFFF */
	ERR("{\"a\":\"\xf8\x88\x80\x80\x80\"}", "x.json:1:7: invalid UTF-8 in string");
	ERR("{\"a\":\"\xff\"}", "x.json:1:7: invalid UTF-8 in string");
	ERR("{\"\xe2\x82\":1}", "x.json:1:3: invalid UTF-8 in string");
	ERR("{\n\"\xc3\xa9\":\"\xc3\xa9\xe2\x82\"}", "x.json:2:9: invalid UTF-8 in string");   /* columns count bytes */
	ERR("{\"a\":\"x\xc3", "x.json:1:8: invalid UTF-8 in string");
	ERR("{\"a\":\xc3\xa9}", "x.json:1:6: invalid JSON: unexpected character");
	ERR("{\"a\":\"\\ud83d\"}", "x.json:1:7: invalid \\u escape in string: unpaired UTF-16 surrogate");
	ERR("{\"a\":\"\\ude00\"}", "x.json:1:7: invalid \\u escape in string: unpaired UTF-16 surrogate");
	ERR("{\"a\":\"x\\ud83dx\"}", "x.json:1:8: invalid \\u escape in string: unpaired UTF-16 surrogate");
	ERR("{\"a\":\"\\ud83d\\u0041\"}", "x.json:1:7: invalid \\u escape in string: unpaired UTF-16 surrogate");
	_cleanup_json_ __attribute__((unused)) struct json_node *r = OK(
		"{\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\":1}",
		"UTF-8 boundary code points");
}

static void test_malformed(void)
{
	ERR("{\"a\" 1}", "x.json:1:6: invalid JSON: expected ':' after object key");
	ERR("{\"a\",1}", "x.json:1:5: invalid JSON: expected ':' after object key");
	ERR("{\"a\":1,,}", "x.json:1:8: invalid JSON: object key must be a string");
	ERR("{\"a\":1,}", "x.json:1:8: invalid JSON: object key must be a string");
	ERR("{1:2}", "x.json:1:2: invalid JSON: object key must be a string");
	ERR("{\"a\":[1 2]}", "x.json:1:9: invalid JSON: expected ',' or ']' after array element");
	ERR("{\"a\":[1,]}", "x.json:1:9: invalid JSON: unexpected token");
	ERR("{\"a\":[,1]}", "x.json:1:7: invalid JSON: unexpected token");
	ERR("{\"a\":1 \"b\":2}", "x.json:1:8: invalid JSON: expected ',' or '}' after object member");
	ERR("{\"a\":]}", "x.json:1:6: invalid JSON: unexpected token");
	ERR("{\"a\":tru}", "x.json:1:6: invalid JSON: invalid literal (expected true, false or null)");
	ERR("{\"a\":True}", "x.json:1:6: invalid JSON: unexpected character");
	ERR("{\"a\":1.e5}", "x.json:1:6: invalid JSON: malformed number");
	ERR("{\"a\":-}", "x.json:1:6: invalid JSON: malformed number");
	ERR("{\"a\":\n  // c\n1}", "x.json:2:3: invalid JSON: comments are not allowed");
	ERR("{\"a\":@}", "x.json:1:6: invalid JSON: unexpected character");
	ERR("{'a':1}", "x.json:1:2: invalid JSON: unexpected character");
	ERR("{\"a\":\"x\\qy\"}", "x.json:1:8: invalid JSON: invalid escape in string");
	ERR("{\"a\":\"x\ty\"}", "x.json:1:8: invalid JSON: control character in string (must be escaped)");
	ERR("{\"a\":\"a\nb\"}", "x.json:1:8: invalid JSON: control character in string (must be escaped)");
	ERR("{\"a\":\"\\u12G4\"}", "x.json:1:7: invalid JSON: invalid \\u escape in string");
	ERR("{\"a\":1", "x.json:1:7: invalid JSON: unexpected end of file");
	ERR("{\"a\":\n \"abc", "x.json:2:6: invalid JSON: unexpected end of file");
	ERR("{\"a\":\n\"abc\n\n", "x.json:2:5: invalid JSON: control character in string (must be escaped)");
	ERR("{\"a\":[{}", "x.json:1:9: invalid JSON: unexpected end of file");
	ERR("{", "x.json:1:2: invalid JSON: unexpected end of file");
	ERR("{\"a\":tr", "x.json:1:8: invalid JSON: unexpected end of file");
	ERR("{\"a\":1.", "x.json:1:8: invalid JSON: unexpected end of file");
	ERR("{\"a\":\"x\\", "x.json:1:9: invalid JSON: unexpected end of file");
	ERR("{\"a\":\"x\\u12", "x.json:1:12: invalid JSON: unexpected end of file");
	ERR("{\"a\":\"x\\ud83d", "x.json:1:14: invalid JSON: unexpected end of file");
	ERR("{\"a\":\"x\\ud83d\\", "x.json:1:15: invalid JSON: unexpected end of file");
	ERR("{\"a\":\"x\\ud83d\\ude", "x.json:1:18: invalid JSON: unexpected end of file");
	ERR("{\"a\":\"x\\u0{", "x.json:1:8: invalid JSON: invalid \\u escape in string");
	ERR("{\"a\":1}}", "x.json:1:8: trailing data after the top-level object");
}

static void test_size(void)
{
	size_t len = JSON_MAX_FILE_SIZE;
	char *big = xmalloc(len + 1);
	memset(big, ' ', len + 1);
	big[0] = '{';
	big[len - 1] = '}';
	struct json_node *r = parse_ok(big, len, "exactly JSON_MAX_FILE_SIZE bytes");
	json_free(r);
	parse_err(big, len + 1, "x.json", "x.json: file is larger than 4194304 bytes");

	char path[] = "/tmp/nsrun-test-json-XXXXXX";
	int fd = mkstemp(path);
	tap_ok(fd >= 0 && write(fd, big, len + 1) == (ssize_t)(len + 1), "wrote a big file");
	struct nsrun_error err = { 0 };
	r = (struct json_node *)(void *)&err;
	tap_ok(json_parse_file(path, &r, &err) == -1 && r == NULL, "json_parse_file refuses it");
	char *want = xasprintf("%s: file is larger than 4194304 bytes", path);
	tap_str_eq(err.msg, want, "  message");
	free(want);
	tap_ok(ftruncate(fd, (off_t)len) == 0, "truncated to the limit");
	r = NULL;
	tap_ok(json_parse_file(path, &r, &err) == 0 && r && r->type == JSON_OBJECT,
	       "json_parse_file accepts exactly the limit");
	json_free(r);
	close(fd);
	unlink(path);
	free(big);
}

static void test_file(void)
{
	char path[] = "/tmp/nsrun-test-json-XXXXXX";
	int fd = mkstemp(path);
	static const char doc[] = "{\n  \"a\": 1,\n  \"a\": 2\n}\n";
	tap_ok(fd >= 0 && write(fd, doc, sizeof(doc) - 1) == (ssize_t)(sizeof(doc) - 1), "wrote a file");
	close(fd);
	struct nsrun_error err = { 0 };
	struct json_node *r = NULL;
	tap_ok(json_parse_file(path, &r, &err) == -1 && !r, "json_parse_file reports parse errors");
	char *want = xasprintf("%s:3:3: duplicate key \"a\" (first at 2:3)", path);
	tap_str_eq(err.msg, want, "  with the path as name");
	free(want);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	tap_ok(fd >= 0 && write(fd, "{\"b\": [true]}", 13) == 13, "rewrote the file");
	close(fd);
	tap_ok(json_parse_file(path, &r, &err) == 0 && r && r->count == 1 &&
	       r->members[0].value->items[0]->boolean, "json_parse_file parses a file");
	json_free(r);
	unlink(path);

	r = NULL;
	tap_ok(json_parse_file(path, &r, &err) == -1 && err.errnum == ENOENT, "missing file: ENOENT");
	want = xasprintf("%s: open: ENOENT (%s)", path, strerror(ENOENT));
	tap_str_eq(err.msg, want, "  message");
	free(want);
	tap_ok(json_parse_file("/tmp", &r, &err) == -1, "a directory is refused");
	tap_str_eq(err.msg, "/tmp: not a regular file", "  message");
	tap_ok(json_parse_file("/dev/null", &r, &err) == -1, "a device is refused");
	tap_str_eq(err.msg, "/dev/null: not a regular file", "  message");
}

static char *write_string(const char *s)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	json_write_string(f, s);
	fclose(f);
	return out;
}

static void test_write_string(void)
{
	char *w = write_string("a\"b\\c/\n\t\r\b\f\x01\x1f\x7f \xc3\xa9\xf0\x9f\x98\x80");
	tap_str_eq(w, "\"a\\\"b\\\\c/\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f \xc3\xa9\xf0\x9f\x98\x80\"",
		   "json_write_string escapes");
	free(w);
	w = write_string("x\xc2\x9b" "2J\xc2\xa0");
	tap_str_eq(w, "\"x\\u009b2J\xc2\xa0\"", "the C1 control U+009B is escaped, U+00A0 is not");
	free(w);
	w = write_string("");
	tap_str_eq(w, "\"\"", "empty string");
	free(w);

	/* Every byte 1..127 plus some UTF-8 survives a write and a parse. */
	char all[160];
	size_t n = 0;
	for (int c = 1; c < 128; c++)
		all[n++] = (char)c;
	memcpy(all + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10);
	w = write_string(all);
	char *doc = xasprintf("{%s: %s}", w, w);
	struct nsrun_error err = { 0 };
	struct json_node *r = NULL;
	tap_ok(json_parse(doc, strlen(doc), "rt", &r, &err) == 0, "written string parses back");
	tap_ok(r && strcmp(r->members[0].key, all) == 0 && strcmp(r->members[0].value->text, all) == 0 &&
	       r->members[0].value->len == strlen(all), "round trip is exact");
	json_free(r);
	free(doc);
	free(w);
}

static void test_type_names(void)
{
	tap_ok(strcmp(json_type_name(JSON_NULL), "null") == 0 &&
	       strcmp(json_type_name(JSON_BOOL), "boolean") == 0 &&
	       strcmp(json_type_name(JSON_NUMBER), "number") == 0 &&
	       strcmp(json_type_name(JSON_STRING), "string") == 0 &&
	       strcmp(json_type_name(JSON_OBJECT), "object") == 0 &&
	       strcmp(json_type_name(JSON_ARRAY), "array") == 0, "json_type_name");
	json_free(NULL);
	tap_ok(1, "json_free(NULL) is a no-op");
}

/* nsrun_escape: what reaches a terminal from names the container chose. */
static void test_escape(void)
{
	static const struct { const char *in, *want, *what; } cases[] = {
		{ "sleep", "sleep", "printable ASCII passes" },
		{ "\x1b[31mred\x1b]0;title\x07", "\\x1b[31mred\\x1b]0;title\\x07",
		  "ESC and BEL are escaped" },
		{ "a\nb\tc\rd\x7f", "a\\x0ab\\x09c\\x0dd\\x7f", "newline, tab, CR and DEL" },
		{ "back\\slash", "back\\\\slash", "a backslash is doubled" },
		{ "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80", "UTF-8 passes" },
		{ "\xc2\x9b" "2J", "\\xc2\\x9b" "2J", "the C1 control U+009B (CSI) is escaped" },
		{ "\x9b\xff\xc3(", "\\x9b\\xff\\xc3(", "bytes that are not UTF-8 are escaped" },
		{ "\xe2\x82", "\\xe2\\x82", "a truncated sequence is escaped" },
		{ "", "", "empty" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = nsrun_escape(cases[i].in);
		tap_str_eq(got, cases[i].want, cases[i].what);
		free(got);
	}
}

int main(void)
{
	test_escape();
	test_positions();
	test_values();
	test_top_level();
	test_duplicates();
	test_nesting();
	test_nul();
	test_utf8();
	test_malformed();
	test_size();
	test_file();
	test_write_string();
	test_type_names();
	return tap_done();
}
