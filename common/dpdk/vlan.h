/*
 * VLAN operations of a component's ports (protocol.md 9.4), applied to a
 * whole burst: on an rx port right after it is received, on a tx port right
 * before it is sent. Only the kernels' VLAN variants call these, so a
 * component without any VLAN operation pays nothing for them.
 *
 * A frame is changed in place, never copied: a push prepends into the
 * headroom, a strip moves the two MACs over the tag. A frame whose data
 * someone else also holds (a clone, a flooded or mirrored copy) or that has
 * no headroom cannot be changed in place: it is freed and counted (rx_drop
 * or tx_drop of the port, and the component's drops).
 */
#ifndef SPP_VLAN_H
#define SPP_VLAN_H

#include <string.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include "dataplane.h"

/* Whether m's first segment may be changed in place: nobody else holds
 * this mbuf or the data it points at. */
static inline int spp_writable(struct rte_mbuf *m)
{
	if (rte_mbuf_refcnt_read(m) != 1)
		return 0;
	if (RTE_MBUF_CLONED(m))
		return rte_mbuf_refcnt_read(rte_mbuf_from_indirect(m)) == 1;
	if (RTE_MBUF_HAS_EXTBUF(m))
		return rte_mbuf_ext_refcnt_read(m->shinfo) == 1;
	return 1;
}

/* Whether the frame carries an 802.1Q tag (ethertype 0x8100 at offset 12). */
static inline int spp_tagged(const uint8_t *d)
{
	uint16_t type;
	memcpy(&type, d + 2 * RTE_ETHER_ADDR_LEN, sizeof(type));
	return type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
}

/* Move the two MACs (12 bytes) from src to dst, which overlap by 8: both
 * loads before the stores. A memmove here is a call into libc for every
 * packet (the compiler does not inline an overlapping move). */
static inline void spp_move_macs(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;
	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + sizeof(a), sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + sizeof(a), &b, sizeof(b));
}

/* Push an 802.1Q tag (TPID 0x8100, tci) in front of the ethertype, as
 * rte_vlan_insert does: a tagged frame gets a second, outer tag. */
static inline int spp_vlan_push(struct rte_mbuf *m, uint16_t tci)
{
	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN || !spp_writable(m))
		return -1;
	uint8_t *old = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *d = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_vlan_hdr));
	if (unlikely(d == NULL))
		return -1;
	spp_move_macs(d, old);
	uint16_t tag[2] = {rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN), rte_cpu_to_be_16(tci)};
	memcpy(d + 2 * RTE_ETHER_ADDR_LEN, tag, sizeof(tag));
	return 0;
}

/* Strip the outer 802.1Q tag, if there is one. */
static inline int spp_vlan_strip(struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(struct rte_vlan_hdr) || !spp_tagged(d))
		return 0;
	if (!spp_writable(m))
		return -1;
	spp_move_macs(d + sizeof(struct rte_vlan_hdr), d);
	rte_pktmbuf_adj(m, sizeof(struct rte_vlan_hdr));
	return 0;
}

/* Apply v to the n packets of pkts. The packets it cannot change are freed
 * and taken out of pkts (the others keep their order). Returns how many are
 * left. */
static inline uint16_t spp_vlan_apply(struct spp_vlan v, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = 0;
	if (v.op == SPP_VLAN_NONE)
		return n;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		int rc = v.op == SPP_VLAN_ADD ? spp_vlan_push(m, v.tci) : spp_vlan_strip(m);
		if (likely(rc == 0))
			pkts[k++] = m;
		else
			rte_pktmbuf_free(m);
	}
	return k;
}

/* spp_rx on rx port i of c, then its VLAN operation. What the operation
 * drops is counted here (rx_drop, and in packets and drops, as received and
 * dropped); the caller counts the packets returned. */
static inline uint16_t spp_rx_vlan(struct spp_component *c, uint16_t i,
				   struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb = spp_rx(c->rx[i], pkts, n);
	if (nb == 0)
		return 0;
	uint16_t k = spp_vlan_apply(c->rx_vlan[i], pkts, nb);
	if (unlikely(k < nb)) {
		spp_add(&c->rx[i]->rx_drop, nb - k);
		spp_add(&c->packets, nb - k);
		spp_add(&c->drops, nb - k);
	}
	return k;
}

/* tx port i's VLAN operation, then spp_tx. Returns the number dropped
 * (what the operation could not change counts as tx_drop too). */
static inline uint16_t spp_tx_vlan(struct spp_component *c, uint16_t i,
				   struct rte_mbuf **pkts, uint16_t n)
{
	if (n == 0)
		return 0;
	uint16_t k = spp_vlan_apply(c->tx_vlan[i], pkts, n);
	if (unlikely(k < n))
		spp_add(&c->tx[i]->tx_drop, n - k);
	return (uint16_t)(n - k + spp_tx(c->tx[i], pkts, k));
}

/* A kernel written once as an always-inline body with a constant vlan
 * argument, compiled twice: without VLAN operations (the branches on vlan
 * vanish) and with. */
#define SPP_KERNEL(name)                                                        \
	void spp_##name(struct spp_lcore *lc, struct spp_component *c)          \
	{                                                                       \
		name(lc, c, 0);                                                 \
	}                                                                       \
	void spp_##name##_vlan(struct spp_lcore *lc, struct spp_component *c)   \
	{                                                                       \
		name(lc, c, 1);                                                 \
	}

#define SPP_INLINE static inline __attribute__((always_inline))

#endif
