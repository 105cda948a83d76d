/* placeholder */ typedef int nsrun_syscall_groups_placeholder;
