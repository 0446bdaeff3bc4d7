// SPDX-License-Identifier: GPL-2.0

#include <linux/slab.h>

void * __must_check __realloc_size(2)
rust_helper_sample_krealloc(const void *objp, size_t new_size, unsigned long align,
			    gfp_t flags, int node)
{
	return sample_krealloc(objp, new_size, align, flags, node);
}

__noreturn void rust_helper_sample_panic(void)
{
	BUG();
}

__rust_helper bool rust_helper_sample_already_done(const void *p)
{
	return p != NULL;
}

__rust_helper
void rust_helper_sample_own_line(void)
{
	sample_own_line();
}
