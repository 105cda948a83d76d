/* `nsrun plan`: the plan as numbered lines for people, or JSON for tools. */
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <time.h>

#include "plan.h"

static const char *const step_names[STEP__MAX] = {
	[STEP_JOIN_NS_EARLY] = "join-namespace", [STEP_CGROUP] = "cgroup", [STEP_CLONE] = "clone",
	[STEP_ID_MAPS] = "id-maps", [STEP_IDMAP_ROOT] = "idmap-root", [STEP_RELEASE] = "release",
	[STEP_WAIT_PARENT] = "wait-parent", [STEP_JOIN_NS] = "join-namespace", [STEP_ENTER_PIDNS] = "enter",
	[STEP_UNSHARE] = "unshare", [STEP_TIME_OFFSETS] = "time-offsets",
	[STEP_HOSTNAME] = "hostname", [STEP_DOMAINNAME] = "domainname",
	[STEP_PROPAGATION] = "propagation", [STEP_ROOTFS_BIND] = "rootfs",
	[STEP_MOUNT] = "mount", [STEP_DEVICE] = "device", [STEP_DEV_SYMLINKS] = "dev-symlinks",
	[STEP_CONSOLE] = "console", [STEP_PIVOT_ROOT] = "pivot-root",
	[STEP_MASK_PATH] = "mask", [STEP_READONLY_PATH] = "readonly",
	[STEP_READWRITE_PATH] = "readwrite", [STEP_RUN_HOST] = "run-host",
	[STEP_ROOT_READONLY] = "root-readonly", [STEP_ROOT_PROPAGATION] = "root-propagation",
	[STEP_SYSCTL] = "sysctl", [STEP_OOM_SCORE_ADJ] = "oom-score-adj",
	[STEP_RLIMIT] = "rlimit", [STEP_PERSONALITY] = "personality",
	[STEP_NO_TIOCSTI] = "no-tiocsti", [STEP_CAPS_BOUNDING] = "bounding-set", [STEP_USER] = "user",
	[STEP_CAPS] = "capabilities", [STEP_NO_NEW_PRIVS] = "no-new-privs", [STEP_CWD] = "cwd",
	[STEP_SELINUX_LABEL] = "selinux-label", [STEP_APPARMOR_PROFILE] = "apparmor-profile",
	[STEP_NOTIFY_PARENT] = "notify-parent", [STEP_WAIT_CHILD] = "wait-child",
	[STEP_HOOKS] = "hooks", [STEP_WAIT_START] = "wait-start", [STEP_STDIO] = "stdio", [STEP_SECCOMP] = "seccomp", [STEP_EXEC] = "exec",
	[STEP_NET_VETH] = "net-veth", [STEP_NET_BRIDGE] = "net-bridge",
	[STEP_NET_ADDRESS] = "net-address", [STEP_NET_CONTAINER] = "net-container",
	[STEP_NET_PORTS] = "net-ports", [STEP_NET_DHCP] = "net-dhcp", [STEP_NET_RESOLV] = "net-resolv",
};

const char *plan_step_name(enum plan_step_kind kind)
{
	return kind < STEP__MAX ? step_names[kind] : "?";
}

static void print_ns_flags(FILE *f, int flags)
{
	static const int order[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS,
				     CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME };
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (flags & order[i]) {
			fprintf(f, "%s%s", any ? " " : "", spec_namespace_name(order[i]));
			any = true;
		}
	if (!any)
		fputs("(none)", f);
}

/* Comma-separated option words; *sep is "" before the first one. */
static void print_flags(FILE *f, unsigned long set, unsigned long clear, unsigned long prop,
			const char **sep)
{
	static const struct { unsigned long flag; const char *on, *off; } names[] = {
		{ MS_RDONLY, "ro", "rw" }, { MS_NOSUID, "nosuid", "suid" }, { MS_NODEV, "nodev", "dev" },
		{ MS_NOEXEC, "noexec", "exec" }, { MS_SYNCHRONOUS, "sync", "async" },
		{ MS_DIRSYNC, "dirsync", NULL }, { MS_MANDLOCK, "mand", "nomand" },
		{ MS_NOATIME, "noatime", "atime" }, { MS_NODIRATIME, "nodiratime", "diratime" },
		{ MS_RELATIME, "relatime", "norelatime" }, { MS_STRICTATIME, "strictatime", "nostrictatime" },
		{ MS_LAZYTIME, "lazytime", "nolazytime" }, { MS_NOSYMFOLLOW, "nosymfollow", NULL },
		{ MS_SILENT, "silent", "loud" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (set & names[i].flag) {
			fprintf(f, "%s%s", *sep, names[i].on);
			*sep = ",";
		}
		if ((clear & names[i].flag) && names[i].off) {
			fprintf(f, "%s%s", *sep, names[i].off);
			*sep = ",";
		}
	}
	if (prop) {
		const char *r = prop & MS_REC ? "r" : "";
		const char *k = prop & MS_SHARED ? "shared" : prop & MS_SLAVE ? "slave" :
				prop & MS_PRIVATE ? "private" : "unbindable";
		fprintf(f, "%s%s%s", *sep, r, k);
		*sep = ",";
	}
}

static void print_caps(FILE *f, uint64_t mask)
{
	if (!mask) {
		fputs("(none)", f);
		return;
	}
	bool first = true;
	for (int c = 0; c <= SPEC_CAP_LAST; c++)
		if (mask & (1ULL << c)) {
			fprintf(f, "%s%s", first ? "" : ",", spec_cap_name(c) + 4);
			first = false;
		}
}

static void print_caps_after_exec(const struct plan *p, FILE *f)
{
	uint64_t eff, prm;
	plan_caps_after_exec(p, &eff, &prm);
	if (eff == p->caps.effective && prm == p->caps.permitted)
		return;
	fprintf(f, "; after exec (uid %u, kernel rules): effective and permitted ", p->uid);
	print_caps(f, prm);
}

static void print_strv(FILE *f, char *const *v)
{
	for (size_t i = 0; v && v[i]; i++) {
		fputs(i ? " " : "", f);
		json_write_string(f, v[i]);
	}
}

/* Masked, read-only and read-write paths inside a procfs or sysfs the plan
 * mounts: a missing leaf is skipped, a wrong parent fails. */
static void print_expected_fs(FILE *f, const struct plan_step *s)
{
	if (s->fstype)
		fprintf(f, "; inside the %s on %s: skipped if missing, refused if its parent is not "
			"that %s (no symlinks)", s->fstype, s->source, s->fstype);
	else
		fputs("; skipped if missing", f);
}

void plan_step_describe(const struct plan *p, const struct plan_step *s, FILE *f)
{
	fprintf(f, "%-16s ", plan_step_name(s->kind));
	switch (s->kind) {
	case STEP_JOIN_NS_EARLY:
	case STEP_JOIN_NS:
		fprintf(f, "setns %s %s%s", spec_namespace_name(s->ns_flags), s->path,
			s->kind == STEP_JOIN_NS_EARLY ? " (for the container's PID 1, before clone)" : "");
		break;
	case STEP_ENTER_PIDNS:
		fputs("close every fd of the host, then fork into the joined pid namespace: the first "
		      "process the container can see", f);
		break;
	case STEP_CGROUP:
		plan_cgroup_describe(p, f);
		break;
	case STEP_CLONE:
		fputs("new namespaces: ", f);
		print_ns_flags(f, s->ns_flags);
		break;
	case STEP_UNSHARE:
		fputs("unshare ", f);
		print_ns_flags(f, s->ns_flags);
		break;
	case STEP_ID_MAPS: {
		const struct spec_linux *l = &p->spec->linux_;
		if (plan_userns_describe_maps(p, f))
			break;
		fputs("uid_map", f);
		for (size_t i = 0; i < l->n_uid_mappings; i++)
			fprintf(f, " %u:%u:%u", l->uid_mappings[i].container_id, l->uid_mappings[i].host_id,
				l->uid_mappings[i].size);
		fputs(", gid_map", f);
		for (size_t i = 0; i < l->n_gid_mappings; i++)
			fprintf(f, " %u:%u:%u", l->gid_mappings[i].container_id, l->gid_mappings[i].host_id,
				l->gid_mappings[i].size);
		fputs(" (container:host:size)", f);
		break;
	}
	case STEP_RELEASE:
		fputs("let the container's PID 1 go on", f);
		break;
	case STEP_WAIT_PARENT:
		fputs(p->new_userns && p->cgroup ? "wait until the id maps are written and the cgroup is joined" :
		      p->new_userns ? "wait until the id maps are written" :
		      p->cgroup ? "wait until nsrun has moved it into the cgroup" :
		      "wait until nsrun has set up its network", f);
		break;
	case STEP_TIME_OFFSETS:
		fputs("new time namespace", f);
		for (size_t i = 0; i < s->n_offsets; i++)
			fprintf(f, ", %s %+llds %uns", s->offsets[i].clock == CLOCK_MONOTONIC ?
				"monotonic" : "boottime", (long long)s->offsets[i].secs,
				s->offsets[i].nanosecs);
		break;
	case STEP_HOSTNAME:
	case STEP_DOMAINNAME:
		fputs(s->value, f);
		break;
	case STEP_PROPAGATION:
		if (s->propagation & MS_SHARED)
			fprintf(f, "make / %sshared (rootfsPropagation: mounts of the host's shared "
				"mounts propagate both ways)", s->propagation & MS_REC ? "r" : "");
		else
			fputs("make / rslave (mounts never propagate to the host)", f);
		break;
	case STEP_ROOTFS_BIND:
		fprintf(f, "bind %s onto itself%s", s->path, s->propagation & MS_PRIVATE ?
			" (the mount it is on and / made private first, for pivot_root)" : "");
		break;
	case STEP_IDMAP_ROOT:
		plan_userns_describe_idmap(p, s, f);
		break;
	case STEP_MOUNT:
		if (s->mount_kind == MOUNT_BIND)
			fprintf(f, "%s %s -> %s%s", s->recursive ? "rbind" : "bind", s->source, s->path,
				s->idmap ? " (idmapped by nsrun, step idmap-root)" : "");
		else if (s->mount_kind == MOUNT_CGROUP && s->delegate)
			fprintf(f, "cgroup -> %s (cgroup2, or each v1 hierarchy of the host; boot: the "
				"cgroup2 and name=systemd hierarchies writable, the controllers and the "
				"tmpfs read-only)", s->path);
		else if (s->mount_kind == MOUNT_CGROUP)
			fprintf(f, "cgroup -> %s (cgroup2, or each v1 hierarchy of the host)", s->path);
		else
			fprintf(f, "%s %s -> %s", s->fstype, s->source, s->path);
		if (s->flags || s->clear_flags || s->propagation || s->data || s->copy_up) {
			const char *sep = "";
			fputs(" [", f);
			print_flags(f, s->flags, s->clear_flags, s->propagation, &sep);
			if (s->data)
				fprintf(f, "%s%s", sep, s->data);
			if (s->copy_up)
				fprintf(f, "%stmpcopyup", s->data || *sep ? "," : "");
			fputs("]", f);
		}
		if (plan_mount_takes_label(p, s))
			fprintf(f, " context=\"%s\"", p->mount_label);
		break;
	case STEP_DEVICE:
		fprintf(f, "%s %c %u:%u mode %04o uid %u gid %u%s", s->path, s->dev_type, s->dev_major,
			s->dev_minor, s->mode, s->uid, s->gid, s->dev_bind ? " (bind the host's node)" : "");
		break;
	case STEP_DEV_SYMLINKS:
		fputs("/dev/fd /dev/stdin /dev/stdout /dev/stderr /dev/core /dev/ptmx", f);
		break;
	case STEP_CONSOLE:
		fprintf(f, "new pty from /dev/pts/ptmx; slave on stdio%s", s->path ? " and /dev/console" : "");
		break;
	case STEP_PIVOT_ROOT:
		fprintf(f, "%s becomes /, the old root is detached", p->rootfs);
		break;
	case STEP_MASK_PATH:
		fprintf(f, "%s (files: an empty read-only file, directories: an empty read-only tmpfs)",
			s->path);
		print_expected_fs(f, s);
		break;
	case STEP_READONLY_PATH:
		fprintf(f, "%s", s->path);
		print_expected_fs(f, s);
		break;
	case STEP_READWRITE_PATH:
		fprintf(f, "%s (bound on itself read-write: the network namespace is the container's)",
			s->path);
		print_expected_fs(f, s);
		break;
	case STEP_RUN_HOST:
		fprintf(f, "read-only tmpfs on %s: os-release (a copy of the host's /etc/os-release), "
			"container-manager (\"nsrun\"), container-uuid", s->path);
		break;
	case STEP_ROOT_READONLY:
		fputs("remount / read-only", f);
		break;
	case STEP_ROOT_PROPAGATION: {
		const char *sep = "";
		fputs("/ ", f);
		print_flags(f, 0, 0, s->propagation, &sep);
		break;
	}
	case STEP_SYSCTL:
		fprintf(f, "%s = %s", s->path, s->value);
		break;
	case STEP_OOM_SCORE_ADJ:
		fprintf(f, "%lld", (long long)s->num);
		break;
	case STEP_RLIMIT:
		fprintf(f, "%s soft %llu hard %llu", spec_rlimit_name(s->resource),
			(unsigned long long)s->soft, (unsigned long long)s->hard);
		break;
	case STEP_PERSONALITY:
		fputs(s->num == PER_LINUX32 ? "LINUX32" : "LINUX", f);
		break;
	case STEP_NO_TIOCSTI:
		fputs("seccomp: ioctl TIOCSTI and TIOCLINUX fail with EPERM when stdin, stdout or stderr "
		      "is a terminal (CAP_SYS_ADMIN could type into the caller's)", f);
		break;
	case STEP_CAPS_BOUNDING:
		fputs("keep ", f);
		print_caps(f, p->caps.bounding);
		if (p->caps_from_defaults && p->spec->process.caps.no_sys_admin)
			fputs(" (nspawn's default set less SYS_ADMIN, which without a user namespace would "
			      "be the host's, and less what nsrun itself lacks)", f);
		else if (p->caps_from_defaults)
			fputs(" (nspawn's default set, less what nsrun itself lacks)", f);
		else if (!p->spec->process.caps.given)
			fputs(" (no \"capabilities\" in the spec: none)", f);
		break;
	case STEP_USER:
		fprintf(f, "uid %u gid %u groups", p->uid, p->gid);
		if (!p->n_gids)
			fputs(" (none)", f);
		for (size_t i = 0; i < p->n_gids; i++)
			fprintf(f, "%s%u", i ? "," : " ", p->gids[i]);
		if (p->has_umask)
			fprintf(f, " umask %04o", p->umask);
		break;
	case STEP_CAPS:
		fputs("effective ", f);
		print_caps(f, p->caps.effective);
		fputs("; permitted ", f);
		print_caps(f, p->caps.permitted);
		fputs("; inheritable ", f);
		print_caps(f, p->caps.inheritable);
		fputs("; ambient ", f);
		print_caps(f, p->caps.ambient);
		print_caps_after_exec(p, f);
		break;
	case STEP_NO_NEW_PRIVS:
		fputs("prctl(PR_SET_NO_NEW_PRIVS)", f);
		break;
	case STEP_CWD:
		fputs(s->path, f);
		break;
	case STEP_SELINUX_LABEL:
	case STEP_APPARMOR_PROFILE:
		fputs(s->value, f);
		break;
	case STEP_NOTIFY_PARENT:
		fputs("tell nsrun the container's namespaces and mounts are ready", f);
		break;
	case STEP_WAIT_CHILD:
		fputs("wait until the container's namespaces and mounts are ready", f);
		break;
	case STEP_HOOKS: {
		static const char *const names[] = { "prestart", "createRuntime", "createContainer",
						     "startContainer", "poststart", "poststop" };
		const struct spec_hook *h = p->spec->hooks.v[s->hook];
		fprintf(f, "%s:", names[s->hook]);
		for (size_t i = 0; i < p->spec->hooks.n[s->hook]; i++) {
			fprintf(f, " %s", h[i].path);
			if (h[i].has_timeout)
				fprintf(f, " (timeout %ds)", h[i].timeout);
		}
		fputs(s->in_parent ? " [in nsrun's namespaces]" : " [in the container's namespaces]", f);
		break;
	}
	case STEP_WAIT_START:
		fputs("close every fd of the host, wait until `nsrun start` connects to the exec "
		      "socket", f);
		break;
	case STEP_STDIO:
		fprintf(f, "new session; %s; fds above 2 closed at exec",
			p->terminal ? "the pty is stdin, stdout, stderr and the controlling terminal" :
			"stdin, stdout, stderr passed through");
		break;
	case STEP_SECCOMP:
		plan_seccomp_describe(s->seccomp, f);
		break;
	case STEP_EXEC:
		if (p->init_candidates) {
			fputs("the first of ", f);
			print_strv(f, p->init_candidates);
			fputs(" that exists in the root", f);
		} else {
			print_strv(f, p->argv);
		}
		fputs(" env ", f);
		print_strv(f, p->envp);
		if (p->terminal)
			fputs(" (terminal)", f);
		break;
	case STEP_NET_VETH:
	case STEP_NET_BRIDGE:
	case STEP_NET_ADDRESS:
	case STEP_NET_CONTAINER:
	case STEP_NET_PORTS:
	case STEP_NET_DHCP:
	case STEP_NET_RESOLV:
		plan_network_describe(p, s, f);
		break;
	case STEP__MAX:
		break;
	}
	if (s->skip_reason)
		fprintf(f, " -- skipped: %s", s->skip_reason);
}

static void print_plan(const struct plan *p, bool verbose, FILE *f)
{
	fprintf(f, "# %s: %s spec, root %s%s\n", p->spec->file,
		p->spec->minimal ? "nsrun (minimal; defaults filled in)" : "OCI", p->rootfs,
		p->spec->root_readonly ? " (read-only)" : "");
	fputs("# runtime: nsrun re-runs itself from a sealed memfd copy of its binary before it "
	      "starts or enters a container\n", f);
	if (p->boot)
		fprintf(f, "# boot: /dev/console is a pty relayed to nsrun's terminal (output only when "
			"stdin is not a tty); SIGTERM, SIGINT or SIGHUP to nsrun send PID 1 SIGRTMIN+3 (halt), a "
			"second one or the stop timeout SIGKILL; PID 1 killed by SIGINT (poweroff, halt) "
			"ends nsrun with 0, by SIGHUP (reboot) starts the container again%s\n",
			p->uuid_env >= 0 ? "; container_uuid= gets a new random UUID at each start" : "");
	plan_userns_describe(p, f);
	if (p->mount_label)
		fprintf(f, "# mount label %s: context= on the tmpfs, devpts and mqueue mounts nsrun makes%s%s\n",
			p->mount_label, p->mount_label_skip ? " -- skipped: " : "",
			p->mount_label_skip ? p->mount_label_skip : "");
	for (size_t i = 0; i < p->n_steps; i++) {
		fprintf(f, "%2zu. %s ", i + 1, p->steps[i].in_parent ? "[nsrun]    " : "[container]");
		plan_step_describe(p, &p->steps[i], f);
		fputc('\n', f);
		if (verbose && p->steps[i].kind == STEP_SECCOMP)
			plan_seccomp_print_rules(p->steps[i].seccomp, "      ", f);
	}
}

void plan_print(const struct plan *p, FILE *f)
{
	print_plan(p, false, f);
}

void plan_print_verbose(const struct plan *p, FILE *f)
{
	print_plan(p, true, f);
}

static void json_kv_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",");
	json_write_string(f, key);
	fputc(':', f);
	json_write_string(f, val);
}

void plan_print_json(const struct plan *p, FILE *f)
{
	fputs("{\"spec\":", f);
	json_write_string(f, p->spec->file);
	fprintf(f, ",\"minimal\":%s", p->spec->minimal ? "true" : "false");
	if (p->boot)
		fputs(",\"boot\":true", f);
	json_kv_str(f, "rootfs", p->rootfs);
	plan_userns_json(p, f);
	fputs(",\"steps\":[", f);
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (!m)
			abort();
		plan_step_describe(p, s, m);
		fclose(m);
		/* the description without the padded kind */
		const char *desc = text + strlen(plan_step_name(s->kind));
		while (*desc == ' ')
			desc++;
		fprintf(f, "%s{\"n\":%zu,\"kind\":", i ? "," : "", i + 1);
		json_write_string(f, plan_step_name(s->kind));
		fprintf(f, ",\"where\":\"%s\"", s->in_parent ? "nsrun" : "container");
		json_kv_str(f, "description", desc);
		if (s->path)
			json_kv_str(f, "path", s->path);
		if (s->source)
			json_kv_str(f, "source", s->source);
		if (s->fstype)
			json_kv_str(f, "type", s->fstype);
		if (s->data)
			json_kv_str(f, "data", s->data);
		if (s->value)
			json_kv_str(f, "value", s->value);
		if (s->skip_reason)
			json_kv_str(f, "skipped", s->skip_reason);
		if (s->seccomp)
			fprintf(f, ",\"seccomp\":{\"source\":\"%s\",\"defaultAction\":\"%s\","
				"\"allowed\":%zu,\"denied\":%zu,\"rules\":%zu}", s->seccomp->source,
				spec_seccomp_action_name(s->seccomp->default_action), s->seccomp->n_allowed,
				s->seccomp->n_denied, s->seccomp->n_rules);
		fputc('}', f);
		free(text);
	}
	fputs("],\"process\":{\"args\":[", f);
	for (size_t i = 0; p->argv[i]; i++) {
		fputs(i ? "," : "", f);
		json_write_string(f, p->argv[i]);
	}
	fputs("]", f);
	if (p->init_candidates) {
		fputs(",\"initCandidates\":[", f);
		for (size_t i = 0; p->init_candidates[i]; i++) {
			fputs(i ? "," : "", f);
			json_write_string(f, p->init_candidates[i]);
		}
		fputs("]", f);
	}
	fputs(",\"env\":[", f);
	for (size_t i = 0; p->envp[i]; i++) {
		fputs(i ? "," : "", f);
		json_write_string(f, p->envp[i]);
	}
	fprintf(f, "],\"uid\":%u,\"gid\":%u,\"terminal\":%s,\"noNewPrivileges\":%s,"
		"\"capabilities\":{\"bounding\":\"%016llx\",\"effective\":\"%016llx\","
		"\"permitted\":\"%016llx\",\"inheritable\":\"%016llx\",\"ambient\":\"%016llx\"}",
		p->uid, p->gid, p->terminal ? "true" : "false", p->no_new_privileges ? "true" : "false",
		(unsigned long long)p->caps.bounding, (unsigned long long)p->caps.effective,
		(unsigned long long)p->caps.permitted, (unsigned long long)p->caps.inheritable,
		(unsigned long long)p->caps.ambient);
	uint64_t eff, prm;
	plan_caps_after_exec(p, &eff, &prm);
	fprintf(f, ",\"capabilitiesAfterExec\":{\"effective\":\"%016llx\",\"permitted\":\"%016llx\"}}",
		(unsigned long long)eff, (unsigned long long)prm);
	if (p->mount_label) {
		json_kv_str(f, "mountLabel", p->mount_label);
		if (p->mount_label_skip)
			json_kv_str(f, "mountLabelSkipped", p->mount_label_skip);
	}
	fputs("}\n", f);
}
