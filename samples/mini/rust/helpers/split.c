// SPDX-License-Identifier: GPL-2.0

#include <linux/types.h>

/* The return type depends on the configuration. */
#ifdef CONFIG_SAMPLE_WIDE
u64
#else
u32
#endif
rust_helper_sample_counter(const struct sample *s)
{
	return s->counter;
}

#define SAMPLE_GETTER(field)						\
	int rust_helper_sample_get_##field(const struct sample *s)	\
	{								\
		return s->field;					\
	}

SAMPLE_GETTER(size)
SAMPLE_GETTER(flags)
