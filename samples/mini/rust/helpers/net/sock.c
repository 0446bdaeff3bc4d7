// SPDX-License-Identifier: GPL-2.0

#include <net/sock.h>

void rust_helper_sample_sock_hold(struct sock *sk)
{
	sock_hold(sk);
}
