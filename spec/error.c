/* The one error convention: see common.h. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "common.h"
#include "json.h"

int nsrun_error_set(struct nsrun_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		err->msg[0] = '\0';
	if (errnum) {
		size_t used = strnlen(err->msg, sizeof(err->msg));
		const char *name = nsrun_errno_name(errnum);
		snprintf(err->msg + used, sizeof(err->msg) - used, ": %s (%s)",
			 name ? name : "E?", strerror(errnum));
	}
	err->errnum = errnum;
	return -1;
}

int nsrun_error_prefix(struct nsrun_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (n < 0)
		prefix[0] = '\0';
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old);
	return -1;
}

char *nsrun_escape(const char *s)
{
	size_t len = strlen(s);
	char *out = xmalloc(len * 4 + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = json_utf8_seq(p, len - (size_t)(p - (const unsigned char *)s));
		bool c1 = n == 2 && p[0] == 0xc2 && p[1] <= 0x9f;
		if (n > 1 && !c1) {
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		if (*p == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (n == 1 && *p >= 0x20 && *p < 0x7f) {
			*o++ = (char)*p;
		} else {
			o += sprintf(o, "\\x%02x", *p);
		}
		p++;
	}
	*o = '\0';
	return out;
}

#define E(x) { x, #x }
static const struct { int num; const char *name; } errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
	E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK),
	E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
	E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE),
	E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
	E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR),
	E(ENODATA), E(ETIME), E(ENOSR), E(EREMOTE), E(ENOLINK), E(EPROTO), E(EBADMSG),
	E(EOVERFLOW), E(EILSEQ), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE),
	E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT),
	E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED), E(ECONNRESET),
	E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ESTALE), E(EDQUOT), E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED),
	E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
	E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECHRNG), E(EL2NSYNC), E(EL3HLT), E(EL3RST),
	E(ELNRNG), E(EUNATCH), E(ENOCSI), E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL),
	E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT), E(ENONET), E(ENOPKG), E(EADV),
	E(ESRMNT), E(ECOMM), E(EMULTIHOP), E(EDOTDOT), E(ENOTUNIQ), E(EBADFD),
	E(EREMCHG), E(ELIBACC), E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC),
	E(ERESTART), E(ESTRPIPE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM),
	E(EREMOTEIO),
};
#undef E

const char *nsrun_errno_name(int errnum)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].num == errnum)
			return errno_names[i].name;
	return NULL;
}

int nsrun_errno_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].num;
	return -1;
}

static void *check_alloc(void *p)
{
	if (!p) {
		fputs("nsrun: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return check_alloc(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return check_alloc(strndup(s, n)); }

char *xasprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		check_alloc(NULL);
	return s;
}
