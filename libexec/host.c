/* The facts about this host a plan is built from (struct plan_host),
 * probed once, up front, without privileges or side effects. */
#include <fcntl.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "config.h"
#include "exec-internal.h"
#if HAVE_SELINUX
#include <selinux/selinux.h>
#endif

static uint64_t own_bounding_set(void)
{
	uint64_t mask = 0;
	for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0)
			mask |= 1ULL << cap;
	return mask;
}

static uint64_t own_effective_set(void)
{
	uint64_t mask = 0;
	cap_t self = cap_get_proc();
	for (int cap = 0; self && cap <= SPEC_CAP_LAST; cap++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(self, (cap_value_t)cap, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			mask |= 1ULL << cap;
	}
	cap_free(self);
	return mask;
}

/* Whether the LSMs are active (what libselinux and runc's
 * apparmor.IsEnabled() check). */
static bool selinux_enabled(void)
{
#if HAVE_SELINUX
	return is_selinux_enabled() > 0;
#else
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
#endif
}

static bool apparmor_enabled(void)
{
	char yes = 0;
	_cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, &yes, 1) == 1 && yes == 'Y' &&
	       access("/sys/kernel/security/apparmor", F_OK) == 0;
}

void exec_probe_host_facts(struct plan_host *h)
{
	h->bounding = own_bounding_set();
	h->effective = own_effective_set();
	h->selinux = selinux_enabled();
	h->apparmor = apparmor_enabled();
}

int exec_plan_build(struct spec *spec, const struct plan_invocation *inv, struct plan **planp,
		    struct nsrun_error *err)
{
	struct plan_host host;
	exec_probe_host_facts(&host);
	return plan_build(spec, inv, &host, planp, err);
}
