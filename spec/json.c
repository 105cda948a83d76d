/* nsrun's JSON layer: yajl's callback parser builds a tree of json_node in
 * which every value and key carries its line:column.  See json.h.
 *
 * Positions.  Inside a callback, yajl_get_bytes_consumed() is the offset
 * just past the token yajl has just lexed (numbers included: the lexer
 * un-reads the byte that ended them).  Between two tokens the grammar only
 * allows whitespace and at most one separator (':' after a key, ',' after a
 * value), so the start of the current token is found by walking from the end
 * of the previous one.  Lines are counted by '\n'; columns are 1-based and
 * counted in bytes, not characters. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include <yajl/yajl_parse.h>

#include "json.h"

struct frame {
	struct json_node *node;   /* an open object or array */
	size_t cap;               /* allocated members/items */
};

struct parser {
	yajl_handle h;
	const char *buf, *name;
	size_t len;
	struct nsrun_error *err;
	bool failed;              /* a callback set err and cancelled the parse */
	bool finishing;           /* in yajl_complete_parse, which lexes a private
	                             " " buffer: bytes_consumed means nothing there */
	bool done;                /* the top-level object has been closed */
	size_t prev_end;          /* offset just past the previous token */
	char sep;                 /* separator allowed before the next token, or 0 */
	size_t tok_start;         /* start of the token being handled */
	size_t cur_off;           /* offset -> line:col cursor (tokens come in order) */
	unsigned cur_line, cur_col;
	struct json_node *root;
	size_t depth;
	struct frame stack[JSON_MAX_DEPTH];
};

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static size_t skip_ws(const struct parser *p, size_t i)
{
	while (i < p->len && is_ws(p->buf[i]))
		i++;
	return i;
}

/* Start of the token yajl is on: after whitespace and the one separator the
 * grammar expects here.  Exact for accepted tokens; for a rejected one it is
 * where the unexpected token begins. */
static size_t token_start(const struct parser *p)
{
	size_t i = skip_ws(p, p->prev_end);
	if (p->sep && i < p->len && p->buf[i] == p->sep)
		i = skip_ws(p, i + 1);
	return i;
}

static void position(struct parser *p, size_t off, unsigned *line, unsigned *col)
{
	if (off < p->cur_off) {
		p->cur_off = 0;
		p->cur_line = p->cur_col = 1;
	}
	for (; p->cur_off < off; p->cur_off++) {
		if (p->buf[p->cur_off] == '\n') {
			p->cur_line++;
			p->cur_col = 1;
		} else {
			p->cur_col++;
		}
	}
	*line = p->cur_line;
	*col = p->cur_col;
}

static void vfail_pos(struct parser *p, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	char what[sizeof(p->err->msg)];
	vsnprintf(what, sizeof(what), fmt, ap);
	p->failed = true;
	nsrun_error_set(p->err, 0, "%s:%u:%u: %s", p->name, line, col, what);
}

/* Set "NAME:LINE:COL: what"; return -1.  Callbacks then return 0 to yajl,
 * which cancels the parse. */
__attribute__((format(printf, 4, 5)))
static int fail_pos(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_pos(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;
	position(p, off, &line, &col);
	va_start(ap, fmt);
	vfail_pos(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Length of the well-formed UTF-8 sequence at s (Unicode table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.  yajl's own
 * check only looks at the bit patterns. */
size_t json_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : lo;
		hi = c == 0xed ? 0x9f : hi;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : lo;
		hi = c == 0xf4 ? 0x8f : hi;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The 4 hex digits at s[0..n): their value, -1 if one is not a hex
 * digit, -2 if the file ends first. */
static long hex4(const unsigned char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < 4; i++) {
		if (i >= n)
			return -2;
		int c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static const char msg_nul_escape[] = "string contains a NUL byte (\\u0000)";

/* Scan the raw string token s[0..n) (s[0] is the opening quote) up to its
 * closing quote.  Returns what is wrong with it and sets *bad to the offset,
 * or NULL.  This covers what yajl rejects (to give an exact position) and
 * what it lets through: \u0000, unpaired surrogates, non-shortest UTF-8. */
static const char *check_string(const unsigned char *s, size_t n, size_t *bad)
{
	for (size_t i = 1; i < n;) {
		unsigned char c = s[i];
		*bad = i;
		if (c == '"')
			return NULL;
		if (c < 0x20)
			return "invalid JSON: control character in string (must be escaped)";
		if (c >= 0x80) {
			size_t l = json_utf8_seq(s + i, n - i);
			if (!l)
				return "invalid UTF-8 in string";
			i += l;
			continue;
		}
		if (c != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return NULL;
		c = s[i + 1];
		if (c != 'u') {
			if (!memchr("\"\\/bfnrt", c, 8))
				return "invalid JSON: invalid escape in string";
			i += 2;
			continue;
		}
		/* Cut by the end of the file (only while reporting a yajl
		 * error): not a problem of the string, let the caller say EOF. */
		long u = hex4(s + i + 2, n - i - 2);
		if (u == -2)
			return NULL;
		if (u < 0)
			return "invalid JSON: invalid \\u escape in string";
		if (u == 0)
			return msg_nul_escape;
		if (u >= 0xdc00 && u <= 0xdfff)
			return "invalid \\u escape in string: unpaired UTF-16 surrogate";
		if (u >= 0xd800 && u <= 0xdbff) {
			/* yajl turns a high surrogate followed by any \uXXXX into
			 * some code point, so the pair is checked here. */
			if (i + 6 >= n || (i + 7 >= n && s[i + 6] == '\\'))
				return NULL;
			long lo = s[i + 6] == '\\' && s[i + 7] == 'u'
				? hex4(s + i + 8, n - i - 8) : -1;
			if (lo == -2)
				return NULL;
			if (lo < 0xdc00 || lo > 0xdfff)
				return "invalid \\u escape in string: unpaired UTF-16 surrogate";
			i += 6;
		}
		i += 6;
	}
	return NULL;
}

static void *nonnull(void *ptr)
{
	if (!ptr) {
		fputs("nsrun: out of memory\n", stderr);
		abort();
	}
	return ptr;
}

/* A key as a JSON literal, for messages: keys may hold quotes or
 * control characters. */
static char *quoted(const char *s)
{
	char *q = NULL;
	size_t n = 0;
	FILE *f = nonnull(open_memstream(&q, &n));
	json_write_string(f, s);
	if (fclose(f) != 0)
		nonnull(NULL);
	return nonnull(q);
}

static int cmp_member(const void *a, const void *b)
{
	const struct json_member *x = *(const struct json_member *const *)a;
	const struct json_member *y = *(const struct json_member *const *)b;
	int r = strcmp(x->key, y->key);
	return r ? r : (x > y) - (x < y);   /* ties in file order */
}

/* Duplicate keys are found when the object closes, by sorting: a linear
 * search per key would be quadratic, and a 4 MiB object can hold ~800k keys.
 * The reported duplicate is the earliest second occurrence in the file. */
static int check_duplicates(struct parser *p, const struct json_node *obj)
{
	if (obj->count < 2)
		return 0;
	_cleanup_free_ const struct json_member **v = xmalloc(obj->count * sizeof(*v));
	for (size_t i = 0; i < obj->count; i++)
		v[i] = &obj->members[i];
	qsort(v, obj->count, sizeof(*v), cmp_member);
	const struct json_member *dup = NULL, *first = NULL, *group = v[0];
	for (size_t i = 1; i < obj->count; i++) {
		if (strcmp(v[i]->key, v[i - 1]->key) != 0)
			group = v[i];
		else if (!dup || v[i] < dup)
			dup = v[i], first = group;
	}
	if (!dup)
		return 0;
	_cleanup_free_ char *q = quoted(dup->key);
	return fail_pos(p, dup->line, dup->col, "duplicate key %s (first at %u:%u)", q,
			first->line, first->col);
}

/* Account for the token a callback is handling: its start, its end, and
 * the separator that may follow it. */
static void take_token(struct parser *p, char next_sep)
{
	p->tok_start = token_start(p);
	p->prev_end = p->finishing ? p->len : yajl_get_bytes_consumed(p->h);
	p->sep = next_sep;
}

/* A string or key token just taken: let check_string judge its raw text. */
static bool string_ok(struct parser *p, const unsigned char *s, size_t n)
{
	size_t bad = 0;
	const char *what = check_string((const unsigned char *)p->buf + p->tok_start,
					p->prev_end - p->tok_start, &bad);
	if (!what && memchr(s, '\0', n))   /* cannot happen after check_string */
		what = msg_nul_escape;
	if (what)
		fail_at(p, p->tok_start + bad, "%s", what);
	return !what;
}

/* Create a node for the token just lexed and hang it on its parent. */
static struct json_node *new_value(struct parser *p, enum json_type t)
{
	take_token(p, p->depth ? ',' : 0);
	struct json_node *n = xcalloc(1, sizeof(*n));
	n->type = t;
	position(p, p->tok_start, &n->line, &n->col);
	if (p->depth == 0) {
		p->root = n;
		if (t != JSON_OBJECT) {
			fail_pos(p, n->line, n->col, "the top level must be a JSON object, got %s%s",
				 t == JSON_NULL ? "" : t == JSON_ARRAY ? "an " : "a ", json_type_name(t));
			return NULL;
		}
		return n;
	}
	struct frame *f = &p->stack[p->depth - 1];
	if (f->node->type == JSON_OBJECT) {
		f->node->members[f->node->count - 1].value = n;
		return n;
	}
	if (f->node->count == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		f->node->items = xrealloc(f->node->items, f->cap * sizeof(*f->node->items));
	}
	f->node->items[f->node->count++] = n;
	return n;
}

static int on_null(void *ctx)
{
	return new_value(ctx, JSON_NULL) != NULL;
}

static int on_boolean(void *ctx, int b)
{
	struct json_node *n = new_value(ctx, JSON_BOOL);
	if (n)
		n->boolean = b;
	return n != NULL;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct json_node *n = new_value(ctx, JSON_NUMBER);
	if (!n)
		return 0;
	n->text = xstrndup(s, len);
	n->len = len;
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct json_node *n = new_value(ctx, JSON_STRING);
	if (!n || !string_ok(ctx, s, len))
		return 0;
	n->text = xstrndup((const char *)s, len);
	n->len = len;
	return 1;
}

static int on_start(struct parser *p, enum json_type t)
{
	struct json_node *n = new_value(p, t);
	if (!n)
		return 0;
	if (p->depth == JSON_MAX_DEPTH) {
		fail_pos(p, n->line, n->col, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		return 0;
	}
	p->stack[p->depth++] = (struct frame){ .node = n };
	p->sep = 0;
	return 1;
}

static int on_start_map(void *ctx) { return on_start(ctx, JSON_OBJECT); }
static int on_start_array(void *ctx) { return on_start(ctx, JSON_ARRAY); }

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	take_token(p, ':');
	if (!string_ok(p, s, len))
		return 0;
	struct frame *f = &p->stack[p->depth - 1];
	struct json_node *obj = f->node;
	if (obj->count == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		obj->members = xrealloc(obj->members, f->cap * sizeof(*obj->members));
	}
	struct json_member *m = &obj->members[obj->count++];
	*m = (struct json_member){ .key = xstrndup((const char *)s, len) };
	position(p, p->tok_start, &m->line, &m->col);
	return 1;
}

static int on_end(void *ctx)
{
	struct parser *p = ctx;
	struct json_node *n = p->stack[--p->depth].node;
	take_token(p, p->depth ? ',' : 0);
	if (n->type == JSON_OBJECT && check_duplicates(p, n) < 0)
		return 0;
	p->done = p->depth == 0;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,   /* raw text; yajl_integer/yajl_double unused */
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

/* yajl's one-line error texts, in plainer words. */
static const struct { const char *yajl, *plain; } yajl_errors[] = {
	{ "unallowed token", "unexpected token" },
	{ "invalid object key", "object key must be a string" },
	{ "must be separated by a colon", "expected ':' after object key" },
	{ "inside map, I expect", "expected ',' or '}' after object member" },
	{ "after array element", "expected ',' or ']' after array element" },
	{ "invalid char in json text", "unexpected character" },
	{ "invalid string in json text", "invalid literal (expected true, false or null)" },
	{ "malformed number", "malformed number" },
	{ "probable comment", "comments are not allowed" },
};

/* yajl gave up (not because of a callback): turn its error into one line
 * at the best position we can derive. */
static int yajl_failure(struct parser *p)
{
	char text[256];
	unsigned char *e = yajl_get_error(p->h, 0, NULL, 0);
	snprintf(text, sizeof(text), "%s", e ? (const char *)e : "unknown error");
	if (e)
		yajl_free_error(p->h, e);
	text[strcspn(text, "\n")] = '\0';

	size_t start = token_start(p);
	if (p->done)
		return fail_at(p, start, "trailing data after the top-level object");
	if (strncmp(text, "lexical", 7) == 0 && start < p->len && p->buf[start] == '"') {
		size_t bad = 0;
		const char *what = check_string((const unsigned char *)p->buf + start,
						p->len - start, &bad);
		if (what)
			return fail_at(p, start + bad, "%s", what);
	}
	/* While finishing, yajl lexes a token cut by the end of the file
	 * followed by a space of its own, which it may then reject ("tr ",
	 * "\"x\\ "): that is the end of the file too. */
	if (strstr(text, "premature EOF") || p->finishing) {
		size_t end = p->len;
		while (end > 0 && is_ws(p->buf[end - 1]))
			end--;
		return fail_at(p, end, "invalid JSON: unexpected end of file");
	}
	for (size_t i = 0; i < ARRAY_SIZE(yajl_errors); i++)
		if (strstr(text, yajl_errors[i].yajl))
			return fail_at(p, start, "invalid JSON: %s", yajl_errors[i].plain);
	const char *what = strstr(text, "error: ");
	return fail_at(p, start, "invalid JSON: %s", what ? what + 7 : text);
}

int json_parse(const char *buf, size_t len, const char *name, struct json_node **out,
	       struct nsrun_error *err)
{
	struct parser p = { .buf = buf, .len = len, .name = name, .err = err,
			    .cur_line = 1, .cur_col = 1 };
	*out = NULL;
	if (len > JSON_MAX_FILE_SIZE)
		return nsrun_error_set(err, 0, "%s: file is larger than %u bytes", name,
				       JSON_MAX_FILE_SIZE);
	/* No control character but \t \n \r can appear in a valid document,
	 * not even in strings.  Checked up front: yajl takes \v and \f for
	 * whitespace, and stops at a NUL with a vague message. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == 0)
			return fail_at(&p, i, "the file contains a NUL byte");
		return fail_at(&p, i, "invalid JSON: unexpected control character 0x%02x", c);
	}
	if (skip_ws(&p, 0) == len)
		return nsrun_error_set(err, 0, "%s: the file is empty, expected a JSON object", name);

	p.h = nonnull(yajl_alloc(&callbacks, NULL, &p));
	yajl_status st = yajl_parse(p.h, (const unsigned char *)buf, len);
	if (st == yajl_status_ok) {
		p.finishing = true;
		st = yajl_complete_parse(p.h);
	}
	int r = 0;
	if (st != yajl_status_ok)
		r = p.failed ? -1 : yajl_failure(&p);
	else if (!p.done)   /* cannot happen: yajl accepted an incomplete document */
		r = nsrun_error_set(err, 0, "%s: invalid JSON: incomplete document", name);
	yajl_free(p.h);
	if (r < 0) {
		json_free(p.root);
		return -1;
	}
	*out = p.root;
	return 0;
}

int json_parse_file(const char *path, struct json_node **out, struct nsrun_error *err)
{
	struct stat st;
	*out = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return nsrun_error_set(err, errno, "%s: open", path);
	if (fstat(fd, &st) < 0)
		return nsrun_error_set(err, errno, "%s: fstat", path);
	if (!S_ISREG(st.st_mode))
		return nsrun_error_set(err, 0, "%s: not a regular file", path);
	if (st.st_size > (off_t)JSON_MAX_FILE_SIZE)
		return nsrun_error_set(err, 0, "%s: file is larger than %u bytes", path,
				       JSON_MAX_FILE_SIZE);
	/* Read to EOF, not st_size bytes: the file may change under us.  One
	 * byte more than the limit is enough to know it is too large. */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	_cleanup_free_ char *buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > JSON_MAX_FILE_SIZE)
				return nsrun_error_set(err, 0, "%s: file is larger than %u bytes",
						       path, JSON_MAX_FILE_SIZE);
			cap = cap * 2 > JSON_MAX_FILE_SIZE + 1 ? JSON_MAX_FILE_SIZE + 1 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsrun_error_set(err, errno, "%s: read", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return json_parse(buf, len, path, out, err);
}

void json_free(struct json_node *node)
{
	if (!node)
		return;
	if (node->type == JSON_ARRAY)
		for (size_t i = 0; i < node->count; i++)
			json_free(node->items[i]);
	if (node->type == JSON_OBJECT)
		for (size_t i = 0; i < node->count; i++) {
			free(node->members[i].key);
			json_free(node->members[i].value);
		}
	free(node->items);
	free(node->members);
	free(node->text);
	free(node);
}

struct json_member *json_object_member(const struct json_node *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->count; i++)
		if (strcmp(obj->members[i].key, key) == 0)
			return &obj->members[i];
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "boolean";
	case JSON_NUMBER: return "number";
	case JSON_STRING: return "string";
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	}
	return "unknown";
}

void json_write_string(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			/* Other control characters (and DEL and the C1 controls
			 * U+0080..U+009F, which are legal JSON but bad on a
			 * terminal) as \u00XX; other UTF-8 passes through. */
			if (*c < 0x20 || *c == 0x7f)
				fprintf(f, "\\u%04x", *c);
			else if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
				fprintf(f, "\\u%04x", *++c);
			else
				putc(*c, f);
		}
	}
	putc('"', f);
}
