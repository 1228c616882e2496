/*
 * A traffic source for benchmarks (bench/ only, not used by the daemons):
 * a C loop that takes mbufs from a pool, sets the destination MAC of the
 * template frame each holds from a precomputed sequence, and enqueues them
 * into a ring; and a sink loop that drains a ring, to measure the source
 * alone.
 */
#ifndef SPP_GEN_H
#define SPP_GEN_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

/* The frame length: 64 bytes, as net_null's default frames. */
#define SPP_GEN_LEN 64

struct spp_gen {
	struct rte_ring *ring;
	struct rte_mempool *pool;
	const uint64_t *dst; /* destination MACs as they lie in a frame (low 48 bits, little-endian) */
	uint64_t dst_mask;   /* entries in dst - 1 (a power of two) */
	/* Nonzero: write a packet whole again (the header fields and the
	 * template frame) when its consumer moved its start (a VLAN strip). */
	int32_t rewrite;
	uint8_t frame[SPP_GEN_LEN] __rte_aligned(RTE_CACHE_LINE_SIZE); /* template; bytes 0..5 are replaced */

	int32_t stop __rte_cache_aligned; /* written by Go */

	int32_t running __rte_cache_aligned; /* written by the loop */
	uint64_t sent;   /* packets the ring took */
	uint64_t full;   /* tries that found the ring full (the consumer was the bottleneck) */
	uint64_t nombuf; /* tries that found the pool empty */
	uint64_t wait_cycles; /* TSC cycles spent waiting for room in a full ring */
	uint64_t rewritten;   /* packets written whole again (rewrite: their consumer had changed them) */
} __rte_cache_aligned;

struct spp_sink {
	struct rte_ring *ring;
	int32_t stop __rte_cache_aligned;

	int32_t running __rte_cache_aligned;
	uint64_t got;  /* packets drained and freed */
	uint64_t macs; /* sum of the destination MACs read, so the read is not optimised away */
} __rte_cache_aligned;

/* Write the header fields and the template frame into every mbuf of the
 * pool (which nothing may use yet). Returns 0, or minus the number of mbufs
 * whose data room is not right after the mbuf (the generator cannot use
 * such a pool). */
int spp_gen_prepare(struct spp_gen *g);

/* Loops: entered once on an lcore, leave when stop is set. */
int spp_gen_loop(struct spp_gen *g);
int spp_sink_loop(struct spp_sink *s);

#endif
