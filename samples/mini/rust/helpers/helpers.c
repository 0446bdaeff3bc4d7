// SPDX-License-Identifier: GPL-2.0
/*
 * helperfix sample tree: C wrappers that Rust code calls because it cannot
 * use static inline functions or macros directly.
 *
 * Sorted alphabetically.
 */

#include "atomic.c"
#include "bits.c"
#include "clock.c"
#include "crlf.c"
#include "mem.c"
#include "net/sock.c"
#include "split.c"
