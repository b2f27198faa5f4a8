/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Raw, packet and netlink sockets. */
#define _GNU_SOURCE
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

int
main (void)
{
  EXPECT_FAIL (socket (AF_PACKET, SOCK_RAW, htons (ETH_P_ALL)), "AF_PACKET raw");
  EXPECT_FAIL (socket (AF_PACKET, SOCK_DGRAM, htons (ETH_P_ALL)), "AF_PACKET dgram");
  EXPECT_FAIL (socket (AF_INET, SOCK_RAW, IPPROTO_ICMP), "AF_INET raw");
  EXPECT_FAIL (socket (AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), "AF_INET6 raw");
  EXPECT_FAIL (socket (AF_INET, SOCK_PACKET, htons (ETH_P_ALL)), "SOCK_PACKET");
  EXPECT_FAIL (socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP), "ICMP datagram (ping) socket");
  EXPECT_FAIL (socket (AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), "netlink route");
  EXPECT_FAIL (socket (AF_NETLINK, SOCK_RAW, NETLINK_AUDIT), "netlink audit");
  EXPECT_FAIL (socket (AF_VSOCK, SOCK_STREAM, 0), "vsock");
  EXPECT_FAIL (socket (AF_BLUETOOTH, SOCK_RAW, 0), "bluetooth");
  /* The family is an int: bits above 32 must not hide AF_PACKET. */
  EXPECT_FAIL (syscall (SYS_socket, (1UL << 32) | AF_PACKET, SOCK_RAW, htons (ETH_P_ALL)),
               "AF_PACKET with high bits");
  return probe_done ();
}
