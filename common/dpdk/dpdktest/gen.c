/* The benchmark source and sink (see gen.h). */
#include <string.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include "gen.h"

/* Packets per ring enqueue. More than a consumer's burst of 32: each
 * enqueue takes the ring's producer and consumer lines from the consumer's
 * core, so fewer enqueues leave more of the generator's time for frames. */
#ifndef GEN_BURST
#define GEN_BURST 128
#endif

static inline void gen_publish(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

/* Pause for about `cycles` TSC cycles. */
static inline void gen_backoff(uint64_t cycles)
{
	uint64_t end = rte_rdtsc() + cycles;
	while (rte_rdtsc() < end)
		rte_pause();
}

/*
 * Where a pool's mbuf holds its frame: the data room follows the mbuf and
 * its private area, and the frame starts after the headroom.
 */
static inline uint32_t gen_frame_offset(struct rte_mempool *mp)
{
	return sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(mp) + RTE_PKTMBUF_HEADROOM;
}

struct gen_prep {
	const struct spp_gen *g;
	uint32_t off;
	unsigned int bad; /* mbufs whose data room is not where we expect it */
};

static void gen_prepare_one(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct gen_prep *p = arg;
	struct rte_mbuf *m = obj;
	(void)mp;
	(void)idx;
	if ((char *)m->buf_addr + RTE_PKTMBUF_HEADROOM != (char *)m + p->off) {
		p->bad++;
		return;
	}
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = SPP_GEN_LEN;
	m->pkt_len = SPP_GEN_LEN;
	m->ol_flags = 0;
	memcpy((char *)m + p->off, p->g->frame, SPP_GEN_LEN);
	memcpy((char *)m + p->off, &p->g->dst[0], 6);
}

/*
 * Prepare every mbuf of the pool once, before any traffic: header fields
 * (one segment of SPP_GEN_LEN bytes at the headroom) and the template
 * frame. In most scenarios that use the generator nothing else rewrites a
 * header or a frame (a ring, forward, classifier, net_null's tx), so the
 * loop then touches no header at all, and the frame only to change its
 * destination MAC; where something does (a VLAN strip), g->rewrite makes
 * the loop write each packet whole. The pool must not be in use yet.
 */
int spp_gen_prepare(struct spp_gen *g)
{
	struct gen_prep p = {g, gen_frame_offset(g->pool), 0};
	rte_mempool_obj_iter(g->pool, gen_prepare_one, &p);
	return p.bad ? -(int)p.bad : 0;
}

/*
 * Fill one burst. The pool's common store is a FIFO ring, so every mbuf of
 * the pool takes its turn and its frame's line is seldom in this core's
 * cache: frames are prefetched for writing GEN_PREFETCH packets ahead,
 * which keeps several misses in flight without flooding the line fill
 * buffers. With a single destination nothing is written at all, unless
 * the generator rewrites every packet (gen_rewrite).
 */
#define GEN_PREFETCH 16

/*
 * Whether the frame at the headroom still has the template's bytes 6..17
 * (source MAC, 802.1Q tag, EtherType). A VLAN push or strip, the only
 * in-place changes of our consumers, moves the MACs and the frame's start,
 * so it changes these bytes: a frame that has them was not changed, nor
 * was its mbuf header.
 */
static inline int gen_unchanged(const struct spp_gen *g, const uint8_t *d)
{
	uint64_t a, b;
	uint32_t c, e;
	memcpy(&a, d + 6, 8);
	memcpy(&b, g->frame + 6, 8);
	memcpy(&c, d + 14, 4);
	memcpy(&e, g->frame + 14, 4);
	return a == b && c == e;
}

/*
 * Write each packet whole again where its consumer changed it, as a NIC's
 * receive would: the header fields (data_off, lengths) and the template
 * frame. An unchanged packet only gets its destination MAC, as in
 * gen_fill, and its mbuf header is not touched: the test reads the frame's
 * line, which the generator writes anyway, so a consumer that changes
 * nothing (testpmd io) costs the generator what gen_fill costs and keeps
 * the header's line in its own cache.
 */
__attribute__((target("prfchw")))
static void gen_rewrite(struct spp_gen *g, struct rte_mbuf **pkts, unsigned int n, uint64_t *seq)
{
	const uint32_t off = gen_frame_offset(g->pool);
	uint64_t i = *seq, rewritten = 0;

	for (unsigned int k = 0; k < GEN_PREFETCH && k < n; k++)
		__builtin_prefetch((char *)pkts[k] + off, 1, 3);
	for (unsigned int k = 0; k < n; k++) {
		if (k + GEN_PREFETCH < n)
			__builtin_prefetch((char *)pkts[k + GEN_PREFETCH] + off, 1, 3);
		struct rte_mbuf *m = pkts[k];
		uint8_t *d = (uint8_t *)m + off;
		uint64_t mac = g->dst[i++ & g->dst_mask];
		if (unlikely(!gen_unchanged(g, d))) {
			m->data_off = RTE_PKTMBUF_HEADROOM;
			m->data_len = SPP_GEN_LEN;
			m->pkt_len = SPP_GEN_LEN;
			memcpy(d, g->frame, SPP_GEN_LEN);
			rewritten++;
		} else if (g->dst_mask == 0) {
			continue;
		}
		memcpy(d, &mac, 4);
		memcpy(d + 4, (const uint8_t *)&mac + 4, 2);
	}
	*seq = i;
	if (rewritten)
		gen_publish(&g->rewritten, g->rewritten + rewritten);
}

__attribute__((target("prfchw")))
static void gen_fill(struct spp_gen *g, struct rte_mbuf **pkts, unsigned int n, uint64_t *seq)
{
	const uint32_t off = gen_frame_offset(g->pool);
	uint64_t i = *seq;

	if (g->rewrite) {
		gen_rewrite(g, pkts, n, seq);
		return;
	}
	if (g->dst_mask == 0)
		return;
	for (unsigned int k = 0; k < GEN_PREFETCH && k < n; k++)
		__builtin_prefetch((char *)pkts[k] + off, 1, 3);
	for (unsigned int k = 0; k < n; k++) {
		if (k + GEN_PREFETCH < n)
			__builtin_prefetch((char *)pkts[k + GEN_PREFETCH] + off, 1, 3);
		uint8_t *d = (uint8_t *)pkts[k] + off;
		uint64_t mac = g->dst[i++ & g->dst_mask];
		memcpy(d, &mac, 4);
		memcpy(d + 4, (const uint8_t *)&mac + 4, 2);
	}
	*seq = i;
}

int spp_gen_loop(struct spp_gen *g)
{
	struct rte_mbuf *pkts[GEN_BURST];
	unsigned int head = 0, have = 0; /* pkts[head..have) are filled, not yet sent */
	uint64_t seq = 0, sent = 0, full = 0, nombuf = 0, waited = 0;
	/* A full ring means the consumer is the bottleneck, which is what a
	 * benchmark wants. The generator then waits until the ring is half
	 * empty, looking every 2 us: each look reads the consumer's index,
	 * which takes that cache line from the consumer's core and costs the
	 * consumer a miss at its next dequeue. Half a ring holds 8 us of
	 * packets at 60 Mpps, so it never runs dry meanwhile. */
	const uint64_t look = rte_get_tsc_hz() / 500000;
	const unsigned int low = rte_ring_get_capacity(g->ring) / 2;

	__atomic_store_n(&g->running, 1, __ATOMIC_RELEASE);
	while (likely(!__atomic_load_n(&g->stop, __ATOMIC_RELAXED))) {
		if (have == 0) {
			if (unlikely(rte_mempool_get_bulk(g->pool, (void **)pkts, GEN_BURST) != 0)) {
				gen_publish(&g->nombuf, ++nombuf);
				gen_backoff(look);
				continue;
			}
			gen_fill(g, pkts, GEN_BURST, &seq);
			head = 0;
			have = GEN_BURST;
		}
		unsigned int n = rte_ring_enqueue_burst(g->ring, (void **)pkts + head, have - head, NULL);
		head += n;
		sent += n;
		gen_publish(&g->sent, sent);
		if (head == have) {
			have = 0;
		} else {
			uint64_t t0 = rte_rdtsc();
			gen_publish(&g->full, ++full);
			do
				gen_backoff(look);
			while (rte_ring_free_count(g->ring) < RTE_MAX(low, have - head) &&
			       !__atomic_load_n(&g->stop, __ATOMIC_RELAXED));
			waited += rte_rdtsc() - t0;
			gen_publish(&g->wait_cycles, waited);
		}
	}
	if (head < have)
		rte_mempool_put_bulk(g->pool, (void **)pkts + head, have - head);
	__atomic_store_n(&g->running, 0, __ATOMIC_RELEASE);
	return 0;
}

int spp_sink_loop(struct spp_sink *s)
{
	struct rte_mbuf *pkts[32];
	uint64_t got = 0, macs = 0;

	__atomic_store_n(&s->running, 1, __ATOMIC_RELEASE);
	while (likely(!__atomic_load_n(&s->stop, __ATOMIC_RELAXED))) {
		unsigned int n = rte_ring_dequeue_burst(s->ring, (void **)pkts, RTE_DIM(pkts), NULL);
		if (n == 0)
			continue;
		/* Read each destination MAC, as a classifier would: this pulls
		 * the frame's cache line away from the generator, so its
		 * capacity is measured against a consumer that reads frames. */
		for (unsigned int k = 0; k < n; k++) {
			uint64_t mac;
			memcpy(&mac, rte_pktmbuf_mtod(pkts[k], const uint8_t *), sizeof(mac));
			macs += mac & 0xffffffffffffULL;
		}
		rte_pktmbuf_free_bulk(pkts, n);
		got += n;
		gen_publish(&s->got, got);
	}
	gen_publish(&s->macs, macs);
	__atomic_store_n(&s->running, 0, __ATOMIC_RELEASE);
	return 0;
}
