/* Rules that relate several members: checked on what the spec gives
 * (spec_check_given), then, after defaults.c has filled in the defaults,
 * on the whole (spec_validate). */
#include <ctype.h>
#include <sched.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "plan.h"

/* RFC 1123 labels: letters, digits, '-', separated by single dots. */
const char *spec_check_hostname(const char *h)
{
	size_t len = strlen(h);
	if (len == 0)
		return "must not be empty";
	if (len > SPEC_HOSTNAME_MAX)
		return "is longer than 64 bytes";
	if (h[0] == '-' || h[0] == '.' || h[len - 1] == '-' || h[len - 1] == '.')
		return "must not start or end with '-' or '.'";
	for (const char *p = h; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return "may hold only letters, digits, '-' and '.'";
		if (p[0] == '.' && p[1] == '.')
			return "must not hold empty labels (\"..\")";
	}
	return NULL;
}

static int check_oci_version(struct dec *d, const struct spec *s)
{
	const char *v = s->oci_version;
	unsigned major, minor;
	char rest;
	if (!v)
		return 0;
	if (sscanf(v, "%u.%u%c", &major, &minor, &rest) < 2 || major != 1 || minor > 3)
		return dec_fail_at(d, s->oci_version_pos, "/ociVersion",
				   "unsupported version \"%s\", expected 1.0.x to 1.3.x", v);
	return 0;
}

/* Sysctls must be namespaced (SECURITY.md rule 10 and issue 4): a key
 * that names a host-wide setting is refused, as is anything that could
 * walk out of /proc/sys. */
static int check_sysctl(struct dec *d, const struct spec *s, const struct spec_kv *sc)
{
	char ptr[sizeof(d->ptr)];
	size_t old = dec_push_key(d, "linux");
	dec_push_key(d, "sysctl");
	dec_push_key(d, sc->key);   /* escapes '/' and '~' */
	snprintf(ptr, sizeof(ptr), "%s", d->ptr);
	dec_pop(d, old);
	const char *k = sc->key;
	if (!*k || strchr(k, '/') || strstr(k, "..") || k[0] == '.' || k[strlen(k) - 1] == '.')
		return dec_fail_at(d, sc->pos, ptr, "invalid sysctl key (no '/', no empty components)");
	for (const char *p = k; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return dec_fail_at(d, sc->pos, ptr, "invalid sysctl key: whitespace or control character");
	if (strchr(sc->value, '\n') || strchr(sc->value, '\r'))
		return dec_fail_at(d, sc->pos, ptr, "the value must not contain a newline");
	static const char *const ipc_prefixes[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
	for (size_t i = 0; i < ARRAY_SIZE(ipc_prefixes); i++)
		if (strcmp(k, ipc_prefixes[i]) == 0) {
			if (!spec_has_new_namespace(s, CLONE_NEWIPC))
				return dec_fail_at(d, sc->pos, ptr, "needs a new ipc namespace");
			return 0;
		}
	if (strncmp(k, "fs.mqueue.", 10) == 0) {
		if (!spec_has_new_namespace(s, CLONE_NEWIPC))
			return dec_fail_at(d, sc->pos, ptr, "needs a new ipc namespace");
		return 0;
	}
	if (strncmp(k, "net.", 4) == 0) {
		if (!spec_has_new_namespace(s, CLONE_NEWNET))
			return dec_fail_at(d, sc->pos, ptr, "needs a new network namespace");
		return 0;
	}
	if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0) {
		if (!spec_has_new_namespace(s, CLONE_NEWUTS))
			return dec_fail_at(d, sc->pos, ptr, "needs a new uts namespace");
		return 0;
	}
	return dec_fail_at(d, sc->pos, ptr, "not a namespaced sysctl: only kernel.shm*, kernel.msg*, "
			   "kernel.sem, fs.mqueue.*, net.* (with a network namespace), "
			   "kernel.hostname and kernel.domainname can be set");
}

static bool id_mapped(const struct spec_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return true;
	return false;
}

/* In a new user namespace the process's ids must be mapped: the kernel
 * refuses setuid/setgid/setgroups to an unmapped id. */
static int check_user_mapped(struct dec *d, const struct spec *s)
{
	const struct spec_linux *l = &s->linux_;
	const struct spec_user *u = &s->process.user;
	if (!id_mapped(l->uid_mappings, l->n_uid_mappings, u->uid))
		return dec_fail_at(d, s->process.pos, "/process/user/uid", "%u is not mapped by "
				   "/linux/uidMappings (container ids), so the process cannot run as it",
				   u->uid);
	if (!id_mapped(l->gid_mappings, l->n_gid_mappings, u->gid))
		return dec_fail_at(d, s->process.pos, "/process/user/gid", "%u is not mapped by "
				   "/linux/gidMappings (container ids), so the process cannot run as it",
				   u->gid);
	for (size_t i = 0; i < u->n_additional_gids; i++)
		if (!id_mapped(l->gid_mappings, l->n_gid_mappings, u->additional_gids[i])) {
			char ptr[64];
			snprintf(ptr, sizeof(ptr), "/process/user/additionalGids/%zu", i);
			return dec_fail_at(d, s->process.pos, ptr, "%u is not mapped by /linux/gidMappings "
					   "(container ids)", u->additional_gids[i]);
		}
	return 0;
}

static int check_namespaces(struct dec *d, const struct spec *s)
{
	const struct spec_linux *l = &s->linux_;
	const struct spec_namespace *user = spec_find_namespace(s, CLONE_NEWUSER);
	if ((l->n_uid_mappings || l->n_gid_mappings) && (!user || user->path))
		return dec_fail_at(d, l->n_uid_mappings ? l->uid_mappings_pos : l->gid_mappings_pos,
				   l->n_uid_mappings ? "/linux/uidMappings" : "/linux/gidMappings",
				   "mappings need a new user namespace in /linux/namespaces");
	if (user && !user->path && (!l->n_uid_mappings || !l->n_gid_mappings))
		return dec_fail_at(d, user->pos, "/linux/namespaces",
				   "a new user namespace needs both /linux/uidMappings and /linux/gidMappings");
	if (user && !user->path && check_user_mapped(d, s) < 0)
		return -1;
	if (l->n_time_offsets && !spec_has_new_namespace(s, CLONE_NEWTIME))
		return dec_fail_at(d, l->time_offsets_pos, "/linux/timeOffsets",
				   "offsets need a new time namespace in /linux/namespaces");
	if (user && user->path) {
		if (spec_has_new_namespace(s, CLONE_NEWPID))
			return dec_fail_at(d, user->pos, "/linux/namespaces",
					   "joining a user namespace by path together with a new pid "
					   "namespace is not supported yet");
	}
	return 0;
}

static int check_names(struct dec *d, const struct spec *s)
{
	const char *why;
	if (s->hostname) {
		if ((why = spec_check_hostname(s->hostname)))
			return dec_fail_at(d, s->hostname_pos, "/hostname", "%s, got \"%s\"", why, s->hostname);
		if (!spec_find_namespace(s, CLONE_NEWUTS))
			return dec_fail_at(d, s->hostname_pos, "/hostname",
					   "setting the hostname needs a uts namespace in /linux/namespaces "
					   "(a new one, or one joined by \"path\" that is not the host's)");
	}
	if (s->domainname) {
		if ((why = spec_check_hostname(s->domainname)))
			return dec_fail_at(d, s->domainname_pos, "/domainname", "%s, got \"%s\"", why,
					   s->domainname);
		if (!spec_find_namespace(s, CLONE_NEWUTS))
			return dec_fail_at(d, s->domainname_pos, "/domainname",
					   "setting the domain name needs a uts namespace in /linux/namespaces "
					   "(a new one, or one joined by \"path\" that is not the host's)");
	}
	return 0;
}

/* LSM labels are written to /proc attributes and handed to mounts as
 * context=: one label, nothing that could be read as a second value. */
static const char *check_label(const char *l, bool selinux)
{
	size_t colons = 0;
	if (!*l)
		return "must not be empty";
	if (strlen(l) > 4096)
		return "is longer than 4096 bytes";
	for (const char *p = l; *p; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return "must not contain whitespace or control characters";
		if (*p == '"' || *p == '\\')
			return "must not contain '\"' or '\\'";
		colons += *p == ':';
	}
	if (selinux && colons < 2)
		return "expected an SELinux context user:role:type[:level]";
	return NULL;
}

static int check_labels(struct dec *d, const struct spec *s)
{
	const char *why;
	const struct spec_process *p = &s->process;
	if (p->selinux_label && (why = check_label(p->selinux_label, true)))
		return dec_fail_at(d, p->pos, "/process/selinuxLabel", "%s, got \"%s\"", why,
				   p->selinux_label);
	if (p->apparmor_profile && (why = check_label(p->apparmor_profile, false)))
		return dec_fail_at(d, p->pos, "/process/apparmorProfile", "%s, got \"%s\"", why,
				   p->apparmor_profile);
	if (s->linux_.mount_label && (why = check_label(s->linux_.mount_label, true)))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/linux/mountLabel", "%s, got \"%s\"",
				   why, s->linux_.mount_label);
	return 0;
}

/* runc hands a bind mount's filesystem options ("mode=755", "size=1k") to
 * mount(2), which ignores them for a bind, and bundles written for it have
 * them: a warning, and the plan leaves them out. */
static void warn_bind_data(struct dec *d, const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		struct plan_step st = { .mount_kind = MOUNT_FS };
		struct nsrun_error ignored;
		bool bind_type = m->type && (strcmp(m->type, "bind") == 0 || strcmp(m->type, "rbind") == 0);
		if (plan_parse_mount_options(&m->options, &st, &ignored) == 0 && st.data &&
		    (bind_type || st.mount_kind == MOUNT_BIND))
			dec_warn(d, m->pos.line, m->pos.col, "/mounts/%zu/options: \"%s\" has no meaning "
				 "for a bind mount; ignored (as mount(2) does)", i, st.data);
		free(st.data);
	}
}

int spec_check_given(struct dec *d, const struct spec *s)
{
	if (check_oci_version(d, s) < 0)
		return -1;
	if (!s->root_path)
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/root/path", "is required: the "
				   "directory holding the container's root filesystem");
	if (s->n_unsupported)
		return dec_fail_at(d, s->unsupported[0].pos, s->unsupported[0].pointer,
				   "not supported yet by nsrun %s", NSRUN_VERSION);
	return 0;
}

int spec_validate(struct dec *d, struct spec *s)
{
	/* A boot spec needs no args: PID 1 is then the image's init. */
	if (!s->process.present && !(s->boot && s->minimal))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/process", "is required (at least "
				   "\"args\")");
	if (!s->process.args.n && !s->boot)
		return dec_fail_at(d, s->process.args.v ? s->process.args_pos : s->process.pos,
				   "/process/args", "must hold at least the program to run");
	if (s->process.args.n && !s->process.args.v[0][0])
		return dec_fail_at(d, s->process.args_pos, "/process/args/0", "the program must not be empty");
	if (!s->process.cwd)
		return dec_fail_at(d, s->process.pos, "/process/cwd", "is required by the OCI runtime-spec");
	if (check_namespaces(d, s) < 0 || check_names(d, s) < 0)
		return -1;
	/* The container's systemd writes its own cgroups: only below a cgroup
	 * namespace of its own is that its own subtree and not the host's. */
	if (s->boot && !spec_has_new_namespace(s, CLONE_NEWCGROUP))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/linux/namespaces", "\"boot\": true "
				   "needs a new cgroup namespace (add {\"type\": \"cgroup\"})");
	if (s->boot && !spec_has_new_namespace(s, CLONE_NEWPID))
		return dec_fail_at(d, (struct spec_pos){ 0, 0 }, "/linux/namespaces", "\"boot\": true "
				   "needs a new pid namespace (add {\"type\": \"pid\"}): init must be PID 1");
	for (size_t i = 0; i < s->linux_.n_sysctl; i++)
		if (check_sysctl(d, s, &s->linux_.sysctl[i]) < 0)
			return -1;
	/* The kernel keeps an ambient capability only while it is permitted and
	 * inheritable; `runc spec` writes ambient sets without inheritable ones,
	 * so this is a warning (the plan shows the ambient set that results). */
	struct spec_caps *caps = &s->process.caps;
	uint64_t dropped = caps->ambient & ~(caps->permitted & caps->inheritable);
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
		if (dropped & (1ULL << cap))
			dec_warn(d, s->process.pos.line, s->process.pos.col, "/process/capabilities/ambient: "
				 "%s is not both permitted and inheritable, so it cannot be ambient; "
				 "dropped", spec_cap_name(cap));
	caps->ambient &= ~dropped;
	warn_bind_data(d, s);
	if (s->process.caps.effective & ~s->process.caps.permitted)
		return dec_fail_at(d, s->process.pos, "/process/capabilities/effective",
				   "an effective capability must also be permitted");
	if (check_labels(d, s) < 0)
		return -1;
	if (s->process.has_console_size && !s->process.terminal)
		return dec_fail_at(d, s->process.pos, "/process/consoleSize",
				   "only applies with \"terminal\": true");
	return 0;
}
