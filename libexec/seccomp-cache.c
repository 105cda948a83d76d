/* A cache of compiled syscall filters.  libseccomp 2.5 needs tens of
 * milliseconds to turn a large allow list into BPF for three ABIs; the
 * result only depends on the filter's rules and libseccomp's version, so
 * nsrun keeps it in /var/cache/nsrun/seccomp (root's, mode 0700) and the
 * next container with the same filter starts without compiling.
 *
 * A file holds the filter's whole description next to its BPF, and is used
 * only when that description matches byte for byte: a hash names the file,
 * it never decides.  NSRUN_SECCOMP_CACHE=0 turns the cache off. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <string.h>
#include <sys/stat.h>

#include "exec-internal.h"

#define CACHE_DIR "/var/cache/nsrun/seccomp"
#define MAGIC "nsrun-bpf-1\n"

static bool cache_enabled(void)
{
	const char *e = getenv("NSRUN_SECCOMP_CACHE");
	return !(e && strcmp(e, "0") == 0);
}

/* Everything the BPF depends on, as text. */
static char *describe(const struct plan_seccomp *f, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	if (!m)
		abort();
	const struct scmp_version *v = seccomp_version();
	fprintf(m, "libseccomp %u.%u.%u\ndefault %u\narches", v ? v->major : 0, v ? v->minor : 0,
		v ? v->micro : 0, f->default_action);
	for (size_t i = 0; i < f->n_arches; i++)
		fprintf(m, " %u", f->arches[i]);
	fputc('\n', m);
	for (size_t i = 0; i < f->n_rules; i++) {
		const struct plan_seccomp_rule *r = &f->rules[i];
		fprintf(m, "%s %u", r->syscall, r->action);
		for (unsigned k = 0; k < r->n_cmp; k++)
			fprintf(m, " %u:%d:%llx:%llx", r->cmp[k].index, r->cmp[k].op,
				(unsigned long long)r->cmp[k].a, (unsigned long long)r->cmp[k].b);
		fputc('\n', m);
	}
	fclose(m);
	return buf;
}

static void name_of(const char *key, size_t len, char out[33])
{
	/* two FNV-1a streams: a file name, not a proof */
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
	for (size_t i = 0; i < len; i++) {
		h1 = (h1 ^ (unsigned char)key[i]) * 0x100000001b3ULL;
		h2 = (h2 ^ (unsigned char)key[len - 1 - i]) * 0x100000001b3ULL;
	}
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

static int open_dir(bool create)
{
	if (create) {
		(void)mkdir("/var/cache/nsrun", 0700);
		(void)mkdir(CACHE_DIR, 0700);
	}
	int fd = open(CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	/* only a directory of root's that nobody else can write */
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022))) {
		close(fd);
		return -1;
	}
	return fd;
}

bool seccomp_cache_load(const struct plan_seccomp *f, struct sock_fprog *prog)
{
	if (!cache_enabled())
		return false;
	size_t klen;
	_cleanup_free_ char *key = describe(f, &klen);
	char name[33];
	name_of(key, klen, name);
	_cleanup_close_ int dir = open_dir(false);
	if (dir < 0)
		return false;
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022) ||
	    (size_t)st.st_size < sizeof(MAGIC) - 1 + klen + sizeof(struct sock_filter) ||
	    (size_t)st.st_size > (1u << 20))
		return false;
	_cleanup_free_ char *data = xmalloc((size_t)st.st_size);
	if (read(fd, data, (size_t)st.st_size) != st.st_size)
		return false;
	size_t head = sizeof(MAGIC) - 1;
	if (memcmp(data, MAGIC, head) != 0 || memcmp(data + head, key, klen) != 0)
		return false;
	size_t bytes = (size_t)st.st_size - head - klen;
	size_t n = bytes / sizeof(struct sock_filter);
	if (bytes % sizeof(struct sock_filter) || n == 0 || n > BPF_MAXINSNS)
		return false;
	struct sock_filter *insns = xmalloc(bytes);
	memcpy(insns, data + head + klen, bytes);
	prog->len = (unsigned short)n;
	prog->filter = insns;
	return true;
}

void seccomp_cache_store(const struct plan_seccomp *f, const struct sock_fprog *prog)
{
	if (!cache_enabled())
		return;
	size_t klen;
	_cleanup_free_ char *key = describe(f, &klen);
	char name[33], tmp[64];
	name_of(key, klen, name);
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	_cleanup_close_ int dir = open_dir(true);
	if (dir < 0)
		return;
	_cleanup_close_ int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	size_t bytes = (size_t)prog->len * sizeof(struct sock_filter);
	bool ok = write(fd, MAGIC, sizeof(MAGIC) - 1) == (ssize_t)(sizeof(MAGIC) - 1) &&
		  write(fd, key, klen) == (ssize_t)klen &&
		  write(fd, prog->filter, bytes) == (ssize_t)bytes;
	/* rename: a reader sees a whole file or none */
	if (!ok || renameat(dir, tmp, dir, name) < 0)
		unlinkat(dir, tmp, 0);
}
