/* classifier: each packet to the tx endpoint its destination is mapped to
 * (protocol.md sections 6 and 9.4). Untagged frames are looked up by
 * destination MAC among the MAC entries, 802.1Q-tagged ones by (VLAN id,
 * destination MAC) among the VLAN entries. An unmapped group address goes
 * to every tx endpoint holding an entry (of that VLAN id, for a tagged
 * frame), default included, by raising the reference count; unmapped
 * unicast goes to the default; anything else is dropped. */
#include <string.h>
#include <rte_prefetch.h>
#include "vlan.h"

/* A key of a tagged frame: vid << 48 | MAC, and this bit. */
#define TAGGED (1ULL << 63)

/* Slot index of key, or -1. The tables are never full (capacity >= 2 x
 * entries), so a probe always meets an empty slot. */
static inline int lookup(const struct spp_mactable *t, uint64_t key, uint64_t h)
{
	const uint64_t want = key | SPP_SLOT_USED;
	for (;;) {
		uint64_t s = t->slots[h];
		if ((s & (SPP_MAC_MASK | SPP_SLOT_USED)) == want)
			return (int)(s >> 56);
		if (!(s & SPP_SLOT_USED))
			return -1;
		h = (h + 1) & t->mask;
	}
}

static inline int vlookup(const struct spp_mactable *t, uint64_t key, uint64_t h)
{
	for (;;) {
		const struct spp_vslot *s = &t->vslots[h];
		if (s->key == key)
			return (int)s->tx;
		if (s->key == 0)
			return -1;
		h = (h + 1) & t->vmask;
	}
}

static inline void put(struct spp_lcore *lc, unsigned d, struct rte_mbuf *m, uint64_t *touched)
{
	lc->out[d][lc->nb_out[d]++] = m;
	*touched |= 1ULL << d;
}

/* Give m to every tx index of mask, one reference each. In the VLAN
 * variant, a destination with a VLAN operation gets a copy of its own (the
 * operation changes the frame in place); one of them takes m itself when
 * no other destination shares it. Returns the number dropped. */
SPP_INLINE uint64_t flood(struct spp_lcore *lc, struct spp_component *c, uint64_t mask,
			  struct rte_mbuf *m, uint64_t *touched, const int vlan)
{
	uint64_t dropped = 0;
	if (unlikely(mask == 0)) {
		rte_pktmbuf_free(m);
		return 1;
	}
	if (vlan) {
		uint64_t own = mask & c->tx_ops;
		mask &= ~own;
		if (mask == 0) {
			mask = own & -own;
			own &= own - 1;
		}
		for (; own; own &= own - 1) {
			unsigned d = (unsigned)__builtin_ctzll(own);
			struct rte_mbuf *cp = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
			if (unlikely(cp == NULL)) {
				spp_add(&c->tx[d]->tx_drop, 1);
				dropped++;
				continue;
			}
			put(lc, d, cp, touched);
		}
	}
	int n = __builtin_popcountll(mask);
	if (n > 1)
		for (struct rte_mbuf *s = m; s != NULL; s = s->next)
			rte_mbuf_refcnt_update(s, (int16_t)(n - 1));
	for (; mask; mask &= mask - 1)
		put(lc, (unsigned)__builtin_ctzll(mask), m, touched);
	return dropped;
}

SPP_INLINE void classifier(struct spp_lcore *lc, struct spp_component *c, const int vlan)
{
	struct rte_mbuf *pkts[SPP_BURST];
	uint64_t keys[SPP_BURST];
	uint64_t hashes[SPP_BURST];
	const struct spp_mactable *t = c->table;
	uint64_t touched = 0, dropped = 0;
	uint16_t nb = vlan ? spp_rx_vlan(c, 0, pkts, SPP_BURST) : spp_rx(c->rx[0], pkts, SPP_BURST);

	if (nb == 0)
		return;
	/* Each packet's mbuf header (from a ring it is cold), both its lines
	 * (the transmit's free reads the second), and its frame, all at once:
	 * the frame where the last burst's frames lay from their mbufs (mbufs
	 * of one pool, received alike, have the same layout), rather than at
	 * the address the header gives once it has arrived. A wrong guess
	 * costs a wasted prefetch, the frame is then read below regardless. */
	const intptr_t off = c->frame_off;
	for (uint16_t i = 0; i < nb; i++) {
		rte_prefetch0(pkts[i]);
		rte_prefetch0((const char *)pkts[i] + RTE_CACHE_LINE_SIZE);
		rte_prefetch0((const char *)pkts[i] + off);
	}
	/* Destination MACs, read 8 bytes at a time (the data room is far
	 * larger than a frame header), the VLAN id of a tagged frame, and
	 * their table slots prefetched. */
	for (uint16_t i = 0; i < nb; i++) {
		const uint8_t *d = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		uint64_t v;
		memcpy(&v, d, sizeof(v));
		v &= SPP_MAC_MASK;
		if (likely(!spp_tagged(d))) {
			keys[i] = v;
			hashes[i] = spp_mac_hash(v, t->shift);
			rte_prefetch0(&t->slots[hashes[i]]);
			continue;
		}
		uint16_t tci;
		memcpy(&tci, d + 2 * RTE_ETHER_ADDR_LEN + 2, sizeof(tci));
		v |= (uint64_t)(rte_be_to_cpu_16(tci) & 0xfff) << 48;
		keys[i] = v | TAGGED;
		if (t->vslots != NULL) {
			hashes[i] = spp_mac_hash(v, t->vshift);
			rte_prefetch0(&t->vslots[hashes[i]]);
		}
	}
	c->frame_off = rte_pktmbuf_mtod(pkts[nb - 1], const char *) - (const char *)pkts[nb - 1];
	for (uint16_t i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		uint64_t key = keys[i];
		int d;
		if (likely(!(key & TAGGED))) {
			d = t->count ? lookup(t, key, hashes[i]) : -1;
			if (unlikely(d < 0) && (key & 1)) { /* group bit of the first byte */
				dropped += flood(lc, c, t->flood, m, &touched, vlan);
				continue;
			}
		} else {
			key &= ~TAGGED;
			d = t->vcount ? vlookup(t, key, hashes[i]) : -1;
			if (d < 0 && (key & 1)) {
				uint64_t mask = t->defmask;
				if (t->vflood != NULL)
					mask |= t->vflood[key >> 48];
				dropped += flood(lc, c, mask, m, &touched, vlan);
				continue;
			}
		}
		if (unlikely(d < 0)) {
			d = t->def;
			if (d < 0) {
				rte_pktmbuf_free(m);
				dropped++;
				continue;
			}
		}
		put(lc, (unsigned)d, m, &touched);
	}
	while (touched) {
		unsigned d = (unsigned)__builtin_ctzll(touched);
		touched &= touched - 1;
		dropped += vlan ? spp_tx_vlan(c, (uint16_t)d, lc->out[d], lc->nb_out[d])
				: spp_tx(c->tx[d], lc->out[d], lc->nb_out[d]);
		lc->nb_out[d] = 0;
	}
	spp_add(&c->packets, nb);
	if (unlikely(dropped))
		spp_add(&c->drops, dropped);
}

SPP_KERNEL(classifier)
