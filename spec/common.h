/* nsrun: shared conventions. One error convention for the whole tree:
 * a function that can fail returns int (negative on failure) and fills a
 * struct nsrun_error out-parameter.  Context is prepended as the error
 * travels up ("step 7 mount /proc: ...: EPERM"). */
#ifndef NSRUN_COMMON_H
#define NSRUN_COMMON_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Exit statuses of nsrun itself (podman's convention). */
#define NSRUN_EXIT_FAILURE 125  /* nsrun's own error: bad spec, setup step failed */
#define NSRUN_EXIT_CANNOT_EXEC 126 /* the program exists but cannot be executed */
#define NSRUN_EXIT_NOT_FOUND 127   /* the program was not found */

struct nsrun_error {
	int errnum;      /* errno of the failing call, 0 if none */
	int status;      /* exit status nsrun should end with, 0 = NSRUN_EXIT_FAILURE */
	char msg[2048];
};

/* Set the error; returns -1 so callers can `return nsrun_error_set(...)`. If
 * errnum is non-zero, ": strerrorname (strerror)" is appended. */
int nsrun_error_set(struct nsrun_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepend context ("step 3 mount /proc: " + old message); returns -1. */
int nsrun_error_prefix(struct nsrun_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Name of an errno value ("EPERM"), or NULL when unknown. */
const char *nsrun_errno_name(int errnum);
/* errno value for a name ("EPERM"), or -1. */
int nsrun_errno_from_name(const char *name);

/* `s` made safe for a terminal (a copy to free): control characters
 * (C0, DEL, C1), bytes that are not well-formed UTF-8 and the backslash
 * are written as \xHH and \\; printable ASCII and UTF-8 pass through.
 * For whatever a container (or its image) can choose: process names,
 * file names in messages. */
char *nsrun_escape(const char *s);

/* Memory helpers that abort on allocation failure (nsrun cannot go on
 * without memory and must not half-set-up a container). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Cleanup attributes. */
static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(closedirp)))

/* Take ownership out of a cleanup variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
