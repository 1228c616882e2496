/*
 * The data path of spp-go: endpoints, lcore state and the component kernels.
 * Everything here lives in C memory and is only read by Go (counters) or
 * written by Go while no lcore uses it (the inactive config slot).
 */
#ifndef SPP_DATAPLANE_H
#define SPP_DATAPLANE_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ethdev.h>

#define SPP_BURST 32
/* Ports per component (merge rx, classifier tx). The classifier stores a tx
 * index in 8 bits, so this must stay below 256. */
#define SPP_MAX_PORTS 64

enum spp_kernel {
	SPP_IDLE = 0,
	SPP_FORWARD,
	SPP_MERGE,
	SPP_CLASSIFIER,
	SPP_MIRROR,
};

/* A counter written by one lcore at a time and read by Go at any time. */
static inline void spp_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/*
 * An endpoint is an ethdev queue or an rte_ring. The rx side and the tx side
 * may be driven by different lcores, so their counters sit on separate cache
 * lines (and away from the read-mostly fields).
 */
struct spp_endpoint {
	struct rte_ring *ring; /* NULL for an ethdev */
	uint16_t port;
	uint16_t queue;

	uint64_t rx __rte_cache_aligned;
	uint64_t rx_drop;

	uint64_t tx __rte_cache_aligned;
	uint64_t tx_drop;
} __rte_cache_aligned;

/*
 * MAC table of a classifier: open addressing with linear probing. One 64-bit
 * slot per entry: bits 0..47 the MAC as it lies in the frame read as a
 * little-endian integer, bit 48 "used", bits 56..63 the tx index.
 */
#define SPP_MAC_MASK 0xffffffffffffULL
#define SPP_SLOT_USED (1ULL << 48)

struct spp_mactable {
	uint64_t *slots;
	uint64_t mask;  /* capacity - 1 */
	uint32_t shift; /* 64 - log2(capacity) */
	uint32_t count;
	int32_t def;    /* default tx index, or -1 */
	uint16_t n_flood;
	uint8_t flood[SPP_MAX_PORTS]; /* tx indexes with a mapping, default included */
	uint16_t max_tx;              /* 1 + the highest tx index used, for checks */
};

static inline uint64_t spp_mac_hash(const struct spp_mactable *t, uint64_t key)
{
	return (key * 0x9e3779b97f4a7c15ULL) >> t->shift;
}

/* A component: a kernel and its endpoints. */
struct spp_config {
	int32_t kernel;
	uint16_t nb_rx;
	uint16_t nb_tx;
	int32_t deep; /* mirror: rte_pktmbuf_copy instead of clone */
	struct rte_mempool *clone_pool; /* mirror: copies come from here (NULL: the packet's pool) */
	struct spp_mactable *table;     /* classifier */
	struct spp_endpoint *rx[SPP_MAX_PORTS];
	struct spp_endpoint *tx[SPP_MAX_PORTS];
};

/*
 * One worker lcore. Go asks for a new config by writing the slot req+1 (the
 * one the loop does not use) and then bumping req; the loop notices it at a
 * burst boundary, switches, resets its counters and stores ack = req.
 */
struct spp_lcore {
	struct spp_config cfg[2];

	uint64_t req __rte_cache_aligned; /* written by Go */
	int32_t stop;                     /* written by Go */

	uint64_t ack __rte_cache_aligned; /* written by the loop */
	int32_t running;

	uint64_t packets __rte_cache_aligned; /* of the current component */
	uint64_t drops;

	/* Per-destination scratch of the classifier, kept here rather than on
	 * the stack: n tx ports x one burst. */
	uint16_t nb_out[SPP_MAX_PORTS];
	struct rte_mbuf *out[SPP_MAX_PORTS][SPP_BURST];
} __rte_cache_aligned;

/* Receive up to n packets; counts rx. */
static inline uint16_t spp_rx(struct spp_endpoint *e, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb;
	if (e->ring != NULL)
		nb = (uint16_t)rte_ring_dequeue_burst(e->ring, (void **)pkts, n, NULL);
	else
		nb = rte_eth_rx_burst(e->port, e->queue, pkts, n);
	if (nb)
		spp_add(&e->rx, nb);
	return nb;
}

/* Send n packets; what the endpoint does not take is freed at once and
 * counted as tx_drop. Returns the number dropped. */
static inline uint16_t spp_tx(struct spp_endpoint *e, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t sent;
	if (n == 0)
		return 0;
	if (e->ring != NULL)
		sent = (uint16_t)rte_ring_enqueue_burst(e->ring, (void **)pkts, n, NULL);
	else
		sent = rte_eth_tx_burst(e->port, e->queue, pkts, n);
	spp_add(&e->tx, sent);
	if (unlikely(sent < n)) {
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		spp_add(&e->tx_drop, n - sent);
	}
	return n - sent;
}

/* The kernels: one burst each. They add to lc->packets and lc->drops. */
void spp_forward(struct spp_lcore *lc, const struct spp_config *c);
void spp_merge(struct spp_lcore *lc, const struct spp_config *c);
void spp_classifier(struct spp_lcore *lc, const struct spp_config *c);
void spp_mirror(struct spp_lcore *lc, const struct spp_config *c);

/* The loop: entered once per lcore, returns when lc->stop is set. */
int spp_lcore_loop(struct spp_lcore *lc);

#endif
