/* SPDX-License-Identifier: GPL-2.0 */
/* Two inlines between a helper and find_vm_area(), which 6.12 does not export. */
#include <linux/vmalloc.h>

static inline struct vm_struct *chain_inner(const void *addr)
{
	return find_vm_area(addr);
}

static inline struct vm_struct *chain_outer(const void *addr)
{
	return chain_inner(addr);
}
