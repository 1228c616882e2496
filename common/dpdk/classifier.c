/* classifier: each packet to the tx endpoint its destination MAC is mapped to
 * (protocol.md section 6). Unmapped group addresses go to every tx endpoint
 * that holds a mapping (default included) by raising the reference count;
 * unmapped unicast goes to the default; anything else is dropped. */
#include <string.h>
#include <rte_prefetch.h>
#include "dataplane.h"

/* Slot index of key, or -1. The table is never full (capacity >= 2 x
 * entries), so the probe always meets an empty slot. */
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

/* Give m to every flood port, one reference each. */
static inline uint64_t flood(struct spp_lcore *lc, const struct spp_mactable *t,
			     struct rte_mbuf *m, uint64_t *touched)
{
	uint16_t n = t->n_flood;
	if (unlikely(n == 0)) {
		rte_pktmbuf_free(m);
		return 1;
	}
	if (n > 1)
		for (struct rte_mbuf *s = m; s != NULL; s = s->next)
			rte_mbuf_refcnt_update(s, (int16_t)(n - 1));
	for (uint16_t k = 0; k < n; k++) {
		uint8_t d = t->flood[k];
		lc->out[d][lc->nb_out[d]++] = m;
		*touched |= 1ULL << d;
	}
	return 0;
}

void spp_classifier(struct spp_lcore *lc, const struct spp_config *c)
{
	struct rte_mbuf *pkts[SPP_BURST];
	uint64_t keys[SPP_BURST];
	uint64_t hashes[SPP_BURST];
	const struct spp_mactable *t = c->table;
	uint64_t touched = 0, dropped = 0;
	uint16_t nb = spp_rx(c->rx[0], pkts, SPP_BURST);

	if (nb == 0)
		return;
	/* mbuf headers first (from a ring they are cold), then the frames. */
	for (uint16_t i = 0; i < nb; i++)
		rte_prefetch0(pkts[i]);
	for (uint16_t i = 0; i < nb; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	/* Destination MACs, read 8 bytes at a time (the data room is far
	 * larger than a frame header), and their table slots prefetched. */
	for (uint16_t i = 0; i < nb; i++) {
		uint64_t v;
		memcpy(&v, rte_pktmbuf_mtod(pkts[i], void *), sizeof(v));
		keys[i] = v & SPP_MAC_MASK;
		hashes[i] = spp_mac_hash(t, keys[i]);
		rte_prefetch0(&t->slots[hashes[i]]);
	}
	for (uint16_t i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		int d = t->count ? lookup(t, keys[i], hashes[i]) : -1;
		if (unlikely(d < 0)) {
			if (keys[i] & 1) { /* group bit of the first byte */
				dropped += flood(lc, t, m, &touched);
				continue;
			}
			d = t->def;
			if (d < 0) {
				rte_pktmbuf_free(m);
				dropped++;
				continue;
			}
		}
		lc->out[d][lc->nb_out[d]++] = m;
		touched |= 1ULL << d;
	}
	while (touched) {
		unsigned d = (unsigned)__builtin_ctzll(touched);
		touched &= touched - 1;
		dropped += spp_tx(c->tx[d], lc->out[d], lc->nb_out[d]);
		lc->nb_out[d] = 0;
	}
	spp_add(&lc->packets, nb);
	if (unlikely(dropped))
		spp_add(&lc->drops, dropped);
}
