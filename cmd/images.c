/* The image store ($NSRUN_MACHINES_DIR, default /var/lib/machines): a
 * directory tree NAME, and NAME.json beside it (or in /etc/nsrun) saying
 * how NAME runs.  list-images, clone, rename, remove, read-only,
 * import-tar, export-tar, import-fs.
 *
 * Copies and archives are made by Debian's GNU cp and tar, run without a
 * shell: `cp -a --reflink=auto --sparse=auto` clones with FICLONE where the
 * file system can and copies with copy_file_range elsewhere, keeping
 * owners, modes, timestamps, xattrs, ACLs, device nodes, hard links and
 * holes; tar with --xattrs --acls --numeric-owner --sparse keeps the same
 * in an archive and reads and writes every compression Debian has. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fs.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "commands.h"
#include "json.h"
#include "machine.h"
#include "state.h"

static int check_name(const char *verb, const char *name)
{
	const char *why = machine_name_check(name);
	if (why) {
		cmd_error("%s: a machine name %s, got \"%s\"", verb, why, name);
		return -1;
	}
	return 0;
}

static char *image_dir(const char *name)
{
	return xasprintf("%s/%s", options_machines_dir(), name);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read-only images: the directory is immutable (FS_IMMUTABLE_FL, what
 * machinectl read-only does for a plain directory): it cannot be renamed,
 * removed or have entries added or removed at its top. */
static int get_immutable(const char *path, bool *ro)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int flags = 0;
	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return -1;
	*ro = flags & FS_IMMUTABLE_FL;
	return 0;
}

bool image_is_read_only(const char *name)
{
	_cleanup_free_ char *dir = image_dir(name);
	bool ro = false;
	return get_immutable(dir, &ro) == 0 && ro;
}

static int set_immutable(const char *path, bool ro)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int flags = 0;
	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return -1;
	flags = ro ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
	return ioctl(fd, FS_IOC_SETFLAGS, &flags);
}

/* A live registry record whose root is this image (by name or by path). */
static bool image_running(const char *name)
{
	_cleanup_free_ char *dir = image_dir(name);
	_cleanup_free_ char *real = realpath(dir, NULL);
	struct machine_record *recs;
	size_t n;
	bool running = false;
	registry_list(machine_state_root(), &recs, &n);
	for (size_t i = 0; i < n; i++) {
		running |= strcmp(recs[i].name, name) == 0 && strcmp(recs[i].kind, "machine") == 0;
		running |= recs[i].root && (strcmp(recs[i].root, dir) == 0 ||
					    (real && strcmp(recs[i].root, real) == 0));
		registry_record_free(&recs[i]);
	}
	free(recs);
	return running;
}

/* Run a program (no shell) and wait; 0 when it exits 0. */
static int run_tool(char *const argv[])
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "nsrun: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	cmd_error("%s failed (%s %d)", argv[0], WIFEXITED(status) ? "status" : "signal",
		  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -1;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

static int remove_tree(const char *path)
{
	return nftw(path, rm_entry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* A new image NAME appears whole or not at all: filled in a hidden
 * directory beside it, then renamed. */
static char *staging_dir(const char *name)
{
	return xasprintf("%s/.%s.nsrun-new-%d", options_machines_dir(), name, (int)getpid());
}

static int refuse_existing(const char *verb, const char *name)
{
	_cleanup_free_ char *dir = image_dir(name);
	_cleanup_free_ char *spec = xasprintf("%s.json", dir);
	if (access(dir, F_OK) == 0 || access(spec, F_OK) == 0) {
		cmd_error("%s: image \"%s\" exists already", verb, name);
		return -1;
	}
	return 0;
}

static int finish_staging(const char *verb, const char *staging, const char *name)
{
	_cleanup_free_ char *dir = image_dir(name);
	if (renameat2(AT_FDCWD, staging, AT_FDCWD, dir, RENAME_NOREPLACE) < 0) {
		cmd_error("%s: %s: %s", verb, dir, strerror(errno));
		remove_tree(staging);
		return -1;
	}
	return 0;
}

static int copy_tree_into(const char *verb, const char *src, const char *name)
{
	_cleanup_free_ char *staging = staging_dir(name);
	_cleanup_free_ char *from = xasprintf("%s/.", src);
	if (mkdir(options_machines_dir(), 0700) < 0 && errno != EEXIST) {
		cmd_error("%s: %s: %s", verb, options_machines_dir(), strerror(errno));
		return -1;
	}
	if (mkdir(staging, 0755) < 0) {
		cmd_error("%s: %s: %s", verb, staging, strerror(errno));
		return -1;
	}
	char *argv[] = { "cp", "-a", "--reflink=auto", "--sparse=auto", "--no-target-directory",
			 from, staging, NULL };
	if (run_tool(argv) < 0) {
		remove_tree(staging);
		return -1;
	}
	/* the top directory's own owner and mode, as the source's */
	struct stat st;
	if (stat(src, &st) == 0) {
		(void)!chown(staging, st.st_uid, st.st_gid);
		chmod(staging, st.st_mode & 07777);
	}
	return finish_staging(verb, staging, name);
}

/* ---- list-images ------------------------------------------------------- */

static unsigned long long usage_sum;
static int add_usage(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	/* hard links counted once: only at their first name is too costly to
	 * track; count a file with n links 1/n each time */
	usage_sum += (unsigned long long)st->st_blocks * 512 / (st->st_nlink ? st->st_nlink : 1);
	return 0;
}

static void fmt_time(char *buf, size_t size, time_t t)
{
	struct tm tm;
	if (!t) {
		snprintf(buf, size, "-");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void fmt_size(char *buf, size_t size, unsigned long long b)
{
	const char *units = "BKMGT";
	double v = (double)b;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

struct image { char *name; bool dir, spec, ro; unsigned long long usage; time_t btime, mtime; };

static struct image *find_or_add(struct image **v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct image){ .name = xstrdup(name) };
	return &(*v)[(*n)++];
}

static void scan_specs(const char *dir, struct image **v, size_t *n)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		_cleanup_free_ char *name = xstrndup(e->d_name, len - 5);
		if (!machine_name_check(name))
			find_or_add(v, n, name)->spec = true;
	}
}

static void scan_images(struct image **v, size_t *n)
{
	_cleanup_closedir_ DIR *d = opendir(options_machines_dir());
	struct dirent *e;
	while (d && (e = readdir(d))) {
		_cleanup_free_ char *path = image_dir(e->d_name);
		if (e->d_name[0] == '.' || machine_name_check(e->d_name) || !is_dir(path))
			continue;
		struct image *im = find_or_add(v, n, e->d_name);
		im->dir = true;
		get_immutable(path, &im->ro);
		struct statx sx;
		if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BTIME | STATX_MTIME, &sx) == 0) {
			im->btime = sx.stx_mask & STATX_BTIME ? (time_t)sx.stx_btime.tv_sec : 0;
			im->mtime = (time_t)sx.stx_mtime.tv_sec;
		}
		usage_sum = 0;
		nftw(path, add_usage, 64, FTW_PHYS | FTW_MOUNT);
		im->usage = usage_sum;
	}
	scan_specs(options_machines_dir(), v, n);
	scan_specs("/etc/nsrun", v, n);
}

static int by_image_name(const void *a, const void *b)
{
	return strcmp(((const struct image *)a)->name, ((const struct image *)b)->name);
}

const char cmd_list_images_help[] =
	"List the images in $NSRUN_MACHINES_DIR (default /var/lib/machines) and the\n"
	"spec files there and in /etc/nsrun: name, kind (directory, spec,\n"
	"directory+spec), read-only, disk usage, creation and modification time.\n";

int cmd_list_images(const struct verb_args *a)
{
	bool json = a->json;
	struct image *v = NULL;
	size_t n = 0;
	scan_images(&v, &n);
	if (n)
		qsort(v, n, sizeof(*v), by_image_name);
	if (json)
		fputs("[", stdout);
	else
		printf("%-20s %-14s %-3s %8s %-21s %s\n", "NAME", "KIND", "RO", "USAGE", "CREATED",
		       "MODIFIED");
	for (size_t i = 0; i < n; i++) {
		const struct image *im = &v[i];
		const char *kind = im->dir && im->spec ? "directory+spec" : im->dir ? "directory" : "spec";
		char c[32], m[32], u[32];
		fmt_time(c, sizeof(c), im->btime);
		fmt_time(m, sizeof(m), im->mtime);
		fmt_size(u, sizeof(u), im->usage);
		if (json) {
			fputs(i ? ",\n  {\"name\":" : "\n  {\"name\":", stdout);
			json_write_string(stdout, im->name);
			printf(",\"kind\":\"%s\",\"readOnly\":%s,\"usage\":%llu,\"created\":\"%s\","
			       "\"modified\":\"%s\"}", kind, im->ro ? "true" : "false", im->usage, c, m);
		} else {
			printf("%-20s %-14s %-3s %8s %-21s %s\n", im->name, kind, im->ro ? "yes" : "no",
			       im->dir ? u : "-", c, m);
		}
		free(v[i].name);
	}
	free(v);
	if (json)
		fputs(n ? "\n]\n" : "]\n", stdout);
	return 0;
}

/* ---- clone, rename, remove, read-only ---------------------------------- */

static int copy_spec_file(const char *from, const char *to)
{
	_cleanup_fclose_ FILE *in = fopen(from, "re");
	if (!in)
		return errno == ENOENT ? 0 : -1;
	_cleanup_fclose_ FILE *out = fopen(to, "wxe");
	if (!out)
		return -1;
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, k, out) != k)
			return -1;
	return 0;
}

const char cmd_clone_help[] =
	"Copy image NAME (and NAME.json) to NEW: copy-on-write where the file\n"
	"system can (FICLONE), else a copy keeping owners, modes, xattrs, device\n"
	"nodes, hard links and holes.\n";

int cmd_clone(const struct verb_args *a)
{
	char **op = a->operands;
	if (check_name("clone", op[0]) < 0 || check_name("clone", op[1]) < 0 ||
	    refuse_existing("clone", op[1]) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *src = image_dir(op[0]);
	_cleanup_free_ char *sspec = xasprintf("%s.json", src);
	_cleanup_free_ char *dst = image_dir(op[1]);
	_cleanup_free_ char *dspec = xasprintf("%s.json", dst);
	if (!is_dir(src) && access(sspec, F_OK) < 0) {
		cmd_error("clone: no image \"%s\" in %s", op[0], options_machines_dir());
		return NSRUN_EXIT_FAILURE;
	}
	if (is_dir(src) && copy_tree_into("clone", src, op[1]) < 0)
		return NSRUN_EXIT_FAILURE;
	if (copy_spec_file(sspec, dspec) < 0) {
		cmd_error("clone: copy %s to %s: %s", sspec, dspec, strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	return 0;
}

const char cmd_rename_help[] =
	"Rename image NAME (and NAME.json) to NEW; not while it runs.\n";

int cmd_rename(const struct verb_args *a)
{
	char **op = a->operands;
	if (check_name("rename", op[0]) < 0 || check_name("rename", op[1]) < 0 ||
	    refuse_existing("rename", op[1]) < 0)
		return NSRUN_EXIT_FAILURE;
	if (image_running(op[0])) {
		cmd_error("rename: machine \"%s\" is running: stop it first", op[0]);
		return NSRUN_EXIT_FAILURE;
	}
	_cleanup_free_ char *src = image_dir(op[0]);
	_cleanup_free_ char *sspec = xasprintf("%s.json", src);
	_cleanup_free_ char *dst = image_dir(op[1]);
	_cleanup_free_ char *dspec = xasprintf("%s.json", dst);
	bool had_dir = is_dir(src), had_spec = access(sspec, F_OK) == 0;
	if (!had_dir && !had_spec) {
		cmd_error("rename: no image \"%s\" in %s", op[0], options_machines_dir());
		return NSRUN_EXIT_FAILURE;
	}
	if (had_dir && renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) < 0) {
		cmd_error("rename: %s: %s%s", src, strerror(errno),
			  errno == EPERM ? " (the image is read-only)" : "");
		return NSRUN_EXIT_FAILURE;
	}
	if (had_spec && renameat2(AT_FDCWD, sspec, AT_FDCWD, dspec, RENAME_NOREPLACE) < 0) {
		cmd_error("rename: %s: %s", sspec, strerror(errno));
		if (had_dir)
			rename(dst, src);
		return NSRUN_EXIT_FAILURE;
	}
	return 0;
}

const char cmd_remove_help[] =
	"Remove image NAME and NAME.json from the store; not while it runs, not\n"
	"when it is read-only.\n";

int cmd_remove(const struct verb_args *a)
{
	int status = 0;
	for (int i = 0; i < a->n_operands; i++) {
		const char *name = a->operands[i];
		if (check_name("remove", name) < 0) {
			status = NSRUN_EXIT_FAILURE;
			continue;
		}
		_cleanup_free_ char *dir = image_dir(name);
		_cleanup_free_ char *spec = xasprintf("%s.json", dir);
		bool ro = false;
		if (!is_dir(dir) && access(spec, F_OK) < 0) {
			cmd_error("remove: no image \"%s\" in %s", name, options_machines_dir());
			status = NSRUN_EXIT_FAILURE;
		} else if (image_running(name)) {
			cmd_error("remove: machine \"%s\" is running: stop it first", name);
			status = NSRUN_EXIT_FAILURE;
		} else if (get_immutable(dir, &ro) == 0 && ro) {
			cmd_error("remove: image \"%s\" is read-only (nsrun read-only %s false)", name, name);
			status = NSRUN_EXIT_FAILURE;
		} else if ((is_dir(dir) && remove_tree(dir) < 0) || (unlink(spec) < 0 && errno != ENOENT)) {
			cmd_error("remove %s: %s", name, strerror(errno));
			status = NSRUN_EXIT_FAILURE;
		} else {
			/* and the console log of its last background run */
			_cleanup_free_ char *log = xasprintf("%s/.machines/%s.log", machine_state_root(), name);
			unlink(log);
		}
	}
	return status;
}

const char cmd_read_only_help[] =
	"Mark image NAME read-only (default true) or writable again.  A read-only\n"
	"image cannot be renamed or removed and runs with a read-only root.\n";

int cmd_read_only(const struct verb_args *a)
{
	char **op = a->operands;
	bool ro = true;
	if (a->n_operands == 2) {
		if (!strcmp(op[1], "true") || !strcmp(op[1], "yes") || !strcmp(op[1], "1"))
			ro = true;
		else if (!strcmp(op[1], "false") || !strcmp(op[1], "no") || !strcmp(op[1], "0"))
			ro = false;
		else {
			cmd_error("read-only: expected true or false, got \"%s\"", op[1]);
			return NSRUN_EXIT_FAILURE;
		}
	}
	if (check_name("read-only", op[0]) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *dir = image_dir(op[0]);
	if (!is_dir(dir)) {
		cmd_error("read-only: no image directory %s", dir);
		return NSRUN_EXIT_FAILURE;
	}
	if (set_immutable(dir, ro) < 0) {
		cmd_error("read-only %s: %s", dir, strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	return 0;
}

const char cmd_import_fs_help[] =
	"Copy directory tree DIR into the store as image NAME (as clone does).\n";

/* ---- import, export ---------------------------------------------------- */

int cmd_import_fs(const struct verb_args *a)
{
	char **op = a->operands;
	if (check_name("import-fs", op[1]) < 0 || refuse_existing("import-fs", op[1]) < 0)
		return NSRUN_EXIT_FAILURE;
	if (!is_dir(op[0])) {
		cmd_error("import-fs: %s is not a directory", op[0]);
		return NSRUN_EXIT_FAILURE;
	}
	return copy_tree_into("import-fs", op[0], op[1]) < 0 ? NSRUN_EXIT_FAILURE : 0;
}

static char *const tar_keep[] = { "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls" };

const char cmd_import_tar_help[] =
	"Unpack tar archive FILE (any compression; - for stdin) as image NAME,\n"
	"keeping owners (numeric), modes, xattrs, ACLs and device nodes.\n";

int cmd_import_tar(const struct verb_args *a)
{
	char **op = a->operands;
	if (check_name("import-tar", op[1]) < 0 || refuse_existing("import-tar", op[1]) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *staging = staging_dir(op[1]);
	if (mkdir(options_machines_dir(), 0700) < 0 && errno != EEXIST) {
		cmd_error("import-tar: %s: %s", options_machines_dir(), strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	if (mkdir(staging, 0755) < 0) {
		cmd_error("import-tar: %s: %s", staging, strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	char *targv[] = { "tar", "-x", "-p", "-f", op[0], "-C", staging, tar_keep[0], tar_keep[1],
			  tar_keep[2], tar_keep[3], "--same-owner", NULL };
	if (run_tool(targv) < 0) {
		remove_tree(staging);
		return NSRUN_EXIT_FAILURE;
	}
	return finish_staging("import-tar", staging, op[1]) < 0 ? NSRUN_EXIT_FAILURE : 0;
}

const char cmd_export_tar_help[] =
	"Write image NAME as tar archive FILE (compressed by its suffix: .gz, .xz,\n"
	".zst, ...; - for stdout), keeping owners, xattrs, ACLs and holes.\n";

int cmd_export_tar(const struct verb_args *a)
{
	char **op = a->operands;
	if (check_name("export-tar", op[0]) < 0)
		return NSRUN_EXIT_FAILURE;
	_cleanup_free_ char *dir = image_dir(op[0]);
	if (!is_dir(dir)) {
		cmd_error("export-tar: no image directory %s", dir);
		return NSRUN_EXIT_FAILURE;
	}
	char *targv[] = { "tar", "-c", "--auto-compress", "--sparse", "-f", op[1], "-C", dir,
			  tar_keep[0], tar_keep[1], tar_keep[2], tar_keep[3], ".", NULL };
	return run_tool(targv) < 0 ? NSRUN_EXIT_FAILURE : 0;
}
