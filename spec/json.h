/* nsrun's small JSON layer.  yajl does the lexing; this builds a tree in
 * which every value and key knows its line and column, and enforces what
 * yajl does not: duplicate keys, NUL bytes in strings, nesting depth, a
 * top level that must be an object.  Nothing outside spec/json.c includes
 * yajl, so the parser can be swapped. */
#ifndef NSRUN_JSON_H
#define NSRUN_JSON_H

#include "common.h"

#define JSON_MAX_DEPTH 64               /* objects/arrays nested deeper are an error */
#define JSON_MAX_FILE_SIZE (4u << 20)   /* spec files larger than 4 MiB are an error */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_OBJECT, JSON_ARRAY };

struct json_node;

struct json_member {
	char *key;                /* NUL-terminated, no embedded NUL */
	unsigned line, col;       /* position of the key's opening quote */
	struct json_node *value;
	bool used;                /* set by the decoder when it consumed the member */
};

struct json_node {
	enum json_type type;
	unsigned line, col;       /* 1-based position of the value's first byte */
	bool boolean;             /* JSON_BOOL */
	char *text;               /* JSON_STRING: the decoded string, NUL-terminated;
	                             JSON_NUMBER: the number exactly as written */
	size_t len;               /* strlen(text) */
	size_t count;             /* JSON_ARRAY: items; JSON_OBJECT: members */
	struct json_node **items; /* JSON_ARRAY */
	struct json_member *members; /* JSON_OBJECT, in file order */
};

/* Parse a complete document held in buf[0..len).  `name` is used in error
 * messages, which have the form "NAME:LINE:COL: what is wrong".  Errors:
 * malformed JSON, trailing data after the top-level value, a top level that
 * is not an object, duplicate keys in one object, strings containing NUL
 * (raw or \u0000) or invalid UTF-8, nesting deeper than JSON_MAX_DEPTH,
 * len > JSON_MAX_FILE_SIZE.  On success *out owns the tree. */
int json_parse(const char *buf, size_t len, const char *name, struct json_node **out,
	       struct nsrun_error *err);
/* Read a file (refusing files over JSON_MAX_FILE_SIZE) and parse it. */
int json_parse_file(const char *path, struct json_node **out, struct nsrun_error *err);
void json_free(struct json_node *node);
static inline void json_freep(struct json_node **n) { if (*n) json_free(*n); }
#define _cleanup_json_ __attribute__((cleanup(json_freep)))

/* Member lookup by key (NULL if absent).  Does not mark it used. */
struct json_member *json_object_member(const struct json_node *obj, const char *key);
const char *json_type_name(enum json_type t); /* "string", "object", ... */

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0. */
size_t json_utf8_seq(const unsigned char *s, size_t n);
/* Write `s` as a JSON string literal (quotes and escapes) to f. */
void json_write_string(FILE *f, const char *s);

#endif
