// SPDX-License-Identifier: GPL-2.0
/*
 * One helper per class of what an inlined helper can reach, for
 * tests/test_exports.py.  Parsed with the flags of Debian 6.12's
 * rust/helpers/helpers.o under x86_64 defconfig.
 */
#include <linux/delay.h>
#include <linux/dma-buf.h>
#include <linux/sched/smt.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/debugreg.h>

#include "chain.h"

/* A header inline chain to a function that is not exported. */
struct vm_struct *rust_helper_chain(const void *addr)
{
	return chain_outer(addr);
}

/* Dead under defconfig (no PREEMPT_RT): vrealloc_noprof is never reached. */
void *rust_helper_dead_branch(const void *p, size_t size)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return vrealloc(p, size, GFP_KERNEL);
	return kvrealloc(p, size, GFP_KERNEL);
}

/* Code after a return that always happens is never reached either. */
struct vm_struct *rust_helper_after_return(const void *addr)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		return NULL;
	return find_vm_area(addr);
}

/* An operand of sizeof is never run. */
size_t rust_helper_sizeof(void)
{
	return sizeof(*find_vm_area(NULL));
}

/* udelay() with a non-constant argument still names __bad_udelay. */
void rust_helper_udelay(unsigned long usecs)
{
	udelay(usecs);
}

/* Exported in the DMA_BUF namespace. */
struct dma_buf *rust_helper_dma_buf_get(int fd)
{
	return dma_buf_get(fd);
}

/* A per-cpu variable (EXPORT_PER_CPU_SYMBOL). */
unsigned long rust_helper_dr7(void)
{
	return __this_cpu_read(cpu_dr7);
}

/* A static key, reached through an __always_inline header function. */
bool rust_helper_smt_active(void)
{
	return sched_smt_active();
}
