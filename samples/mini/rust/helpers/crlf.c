// SPDX-License-Identifier: GPL-2.0

#include <linux/sched.h>

int rust_helper_sample_task_nice(const struct task_struct *p)
{
	return task_nice(p);
}

void rust_helper_sample_task_set_comm_len(struct task_struct *tsk, const char *from)
{
	set_task_comm(tsk, from);
}