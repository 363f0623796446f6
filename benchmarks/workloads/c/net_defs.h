/* On-the-wire header layouts (Ethernet, IPv4, IPv6, TCP, UDP) for the packet workloads;
 * multi-byte fields are network byte order. */
#ifndef BPFEXC_NET_DEFS_H
#define BPFEXC_NET_DEFS_H
#include "bpf_defs.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

struct ethhdr {
	__u8 h_dest[6];
	__u8 h_source[6];
	__u16 h_proto;
} __attribute__((packed));

struct iphdr {
	__u8 ihl_version; /* low nibble ihl, high nibble version (little-endian bitfield order) */
	__u8 tos;
	__u16 tot_len;
	__u16 id;
	__u16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__u32 saddr;
	__u32 daddr;
};

struct ipv6hdr {
	__u32 vtc_flow;
	__u16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u32 saddr[4];
	__u32 daddr[4];
};

struct tcphdr {
	__u16 source;
	__u16 dest;
	__u32 seq;
	__u32 ack_seq;
	__u16 flags;
	__u16 window;
	__u16 check;
	__u16 urg_ptr;
};

struct udphdr {
	__u16 source;
	__u16 dest;
	__u16 len;
	__u16 check;
};

#endif
