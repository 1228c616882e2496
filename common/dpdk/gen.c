/* The benchmark source and sink (see gen.h). */
#include <string.h>
#include <time.h>
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

/* A full ring means the consumer is the bottleneck, which is what a
 * benchmark wants. Back off for about a microsecond rather than retry at
 * once: a producer that polls the consumer's index without pause takes that
 * cache line away from the consumer on every try and slows it down. */
static inline void gen_backoff(void)
{
	for (int i = 0; i < 16; i++)
		rte_pause();
}

/* CPU time of the calling thread: what it really ran, preemption excluded,
 * so that the generator's capacity can be told apart from its waits on a
 * shared CPU. A system call, taken only when the ring is full. */
static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Fill one burst. Mbufs come straight from the pool (rte_mempool_get_bulk,
 * not rte_pktmbuf_alloc_bulk): a freed mbuf already has refcnt 1, one
 * segment and no next, and its header is rewritten only when a field we
 * rely on differs. So in steady state the generator writes one cache line
 * per packet (the frame) and only reads the header.
 *
 * The pool's common store is a FIFO ring, so every mbuf of the pool takes
 * its turn and its lines are seldom in this core's cache: the header and
 * the frame are prefetched GEN_PREFETCH packets ahead (the frame for
 * writing), which keeps several misses in flight without flooding the
 * line fill buffers.
 */
#define GEN_PREFETCH 8

__attribute__((target("prfchw")))
static inline void gen_prefetch(struct rte_mbuf *m, uint32_t data)
{
	rte_prefetch0(m);
	__builtin_prefetch((char *)m + data, 1, 3);
}

__attribute__((target("prfchw")))
static void gen_fill(struct spp_gen *g, struct rte_mbuf **pkts, unsigned int n, uint64_t *seq)
{
	/* Where the frame starts in a pool's mbuf: the data room follows the
	 * mbuf and its private area (only a hint for the prefetch). */
	const uint32_t data = RTE_PKTMBUF_HEADROOM + sizeof(struct rte_mbuf) +
			      rte_pktmbuf_priv_size(g->pool);
	uint64_t i = *seq;

	for (unsigned int k = 0; k < GEN_PREFETCH && k < n; k++)
		gen_prefetch(pkts[k], data);
	for (unsigned int k = 0; k < n; k++) {
		struct rte_mbuf *m = pkts[k];
		if (k + GEN_PREFETCH < n)
			gen_prefetch(pkts[k + GEN_PREFETCH], data);
		if (unlikely(m->data_off != RTE_PKTMBUF_HEADROOM || m->data_len != SPP_GEN_LEN ||
			     m->pkt_len != SPP_GEN_LEN || m->ol_flags != 0)) {
			m->data_off = RTE_PKTMBUF_HEADROOM;
			m->data_len = SPP_GEN_LEN;
			m->pkt_len = SPP_GEN_LEN;
			m->ol_flags = 0;
		}
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		uint64_t mac = g->dst[i++ & g->dst_mask];
		memcpy(d, g->frame, SPP_GEN_LEN);
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

	__atomic_store_n(&g->running, 1, __ATOMIC_RELEASE);
	while (likely(!__atomic_load_n(&g->stop, __ATOMIC_RELAXED))) {
		if (have == 0) {
			if (unlikely(rte_mempool_get_bulk(g->pool, (void **)pkts, GEN_BURST) != 0)) {
				gen_publish(&g->nombuf, ++nombuf);
				gen_backoff();
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
			uint64_t t0 = thread_ns();
			gen_publish(&g->full, ++full);
			do
				gen_backoff();
			while (rte_ring_free_count(g->ring) < have - head &&
			       !__atomic_load_n(&g->stop, __ATOMIC_RELAXED));
			waited += thread_ns() - t0;
			gen_publish(&g->wait_ns, waited);
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
