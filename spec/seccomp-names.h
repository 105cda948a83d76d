/* libseccomp's values by the names OCI gives them (SCMP_ACT_*, SCMP_ARCH_*,
 * SECCOMP_FILTER_FLAG_*) and errno values by name: for the decoder, the
 * planner's and executor's messages and `nsrun plan`
 * (spec/decode-seccomp.c). */
#ifndef NSRUN_SECCOMP_NAMES_H
#define NSRUN_SECCOMP_NAMES_H

#include <stddef.h>
#include <stdint.h>

uint32_t spec_seccomp_action_kind(uint32_t action);      /* without errno/trace data */
const char *spec_seccomp_action_name(uint32_t action);   /* "SCMP_ACT_ERRNO" */
void spec_seccomp_action_format(uint32_t action, char *buf, size_t size); /* "SCMP_ACT_ERRNO(EPERM)" */
const char *spec_seccomp_arch_name(uint32_t token);      /* "X86_64" */
const char *spec_seccomp_flag_name(unsigned flag);       /* "LOG" */
int spec_parse_errno(const char *s);                     /* "EACCES" or "13"; -1 if neither */

#endif
