// SPDX-License-Identifier: GPL-2.0

#include <linux/bitops.h>

void rust_helper_flip_bit(unsigned long nr, volatile unsigned long *addr)
{
	change_bit(nr, addr);
}

/* Only an inline on some architectures: export a real symbol there. */
#ifdef sample_find_next_bit
unsigned long _sample_find_next_bit(const unsigned long *addr,
				    unsigned long size, unsigned long offset)
{
	return sample_find_next_bit(addr, size, offset);
}
#endif

/*
 * void rust_helper_commented_out(void) { }
 */
void rust_helper_prototype_only(void);
