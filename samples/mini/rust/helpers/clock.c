// SPDX-License-Identifier: GPL-2.0

#include <linux/clk.h>

#ifndef CONFIG_SAMPLE_CLK
struct clk *rust_helper_sample_clk_get(struct device *dev, const char *id)
{
	return sample_clk_get(dev, id);
}

int rust_helper_sample_clk_set_rate_range(struct clk *clk, unsigned long min_rate,
					  unsigned long max_rate)
{
	return sample_clk_set_rate_range(clk, min_rate, max_rate);
}
#elif IS_ENABLED(CONFIG_SAMPLE_CLK_STUB)
struct clk *rust_helper_sample_clk_get(struct device *dev, const char *id)
{
	return NULL;
}
#else
void rust_helper_sample_clk_disable_unprepare_all(struct clk_bulk_data *clks)
{
	sample_clk_disable_unprepare_all(clks);
}
#endif

#if 0
void rust_helper_sample_dead_code(void)
{
}
#endif
