/*
 * The data path of spp-go: endpoints, components, lcore state and the
 * component kernels. Everything here lives in C memory and is only read by
 * Go (counters) or written by Go while no lcore uses it (a new component,
 * the inactive list slot of an lcore).
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
 * index in 8 bits and its flood sets in 64-bit masks, so this must stay at
 * most 64. */
#define SPP_MAX_PORTS 64
/* Components one lcore runs in turn. */
#define SPP_MAX_COMPS 16

/* The kernels. SPP_VLAN is or-ed into a component's kernel when one of its
 * ports has a VLAN operation: the loop's switch then picks the kernel's
 * VLAN variant, so that a component without any pays nothing for them. */
enum spp_kernel {
	SPP_IDLE = 0,
	SPP_FORWARD,
	SPP_MERGE,
	SPP_CLASSIFIER,
	SPP_MIRROR,
};
#define SPP_VLAN 0x100

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
 * little-endian integer, bit 48 "used", bits 56..63 the tx index. Untagged
 * frames are looked up here.
 *
 * Tagged frames are looked up in the VLAN table: 16-byte slots whose key is
 * vid << 48 | the MAC as above (never 0: vid is 1..4094), 0 when empty.
 * vflood[vid] is the set of tx indexes holding an entry of that vid.
 */
#define SPP_MAC_MASK 0xffffffffffffULL
#define SPP_SLOT_USED (1ULL << 48)

struct spp_vslot {
	uint64_t key;
	uint64_t tx;
};

struct spp_mactable {
	uint64_t *slots;
	uint64_t mask;  /* capacity - 1 */
	uint32_t shift; /* 64 - log2(capacity) */
	uint32_t count;
	int32_t def;      /* default tx index, or -1 */
	uint16_t max_tx;  /* 1 + the highest tx index used, for checks */
	uint64_t defmask; /* the default's tx index as a set (0: none) */
	uint64_t flood;   /* tx indexes with a MAC entry, default included */

	struct spp_vslot *vslots; /* NULL: no VLAN entries */
	uint64_t vmask;
	uint32_t vshift;
	uint32_t vcount;
	uint64_t *vflood; /* 4096 masks, NULL with vslots */
};

static inline uint64_t spp_mac_hash(uint64_t key, uint32_t shift)
{
	return (key * 0x9e3779b97f4a7c15ULL) >> shift;
}

/* A VLAN operation on a component's port. */
enum spp_vlan_op {
	SPP_VLAN_NONE = 0,
	SPP_VLAN_ADD,
	SPP_VLAN_DEL,
};

struct spp_vlan {
	uint16_t op;
	uint16_t tci; /* add: pcp << 13 | id, host order */
};

/*
 * A component: its counters, then a kernel and its endpoints. Go makes it
 * once and never changes it; it lives as long as the component, so that
 * the counters follow it across switches and lcores. Only the lcore that
 * runs it writes the counters (two lcores never run it at once).
 */
struct spp_component {
	uint64_t packets; /* received on its rx endpoints */
	uint64_t drops;   /* freed by it, for whatever reason */
	/* classifier: where the frame lay from its mbuf in the last burst, to
	 * prefetch the next burst's frames together with their headers. */
	intptr_t frame_off;

	int32_t kernel __rte_cache_aligned; /* enum spp_kernel, | SPP_VLAN */
	uint16_t nb_rx;
	uint16_t nb_tx;
	int32_t deep; /* mirror: rte_pktmbuf_copy instead of clone */
	/* mirror: clones (or with deep, copies) come from clone_pool, the
	 * full copies a tx VLAN operation needs without deep from copy_pool;
	 * NULL: the packet's pool. */
	struct rte_mempool *clone_pool;
	struct rte_mempool *copy_pool;
	struct spp_mactable *table;     /* classifier */
	uint64_t tx_ops;                /* tx indexes with a VLAN operation */
	struct spp_endpoint *rx[SPP_MAX_PORTS];
	struct spp_endpoint *tx[SPP_MAX_PORTS];
	struct spp_vlan rx_vlan[SPP_MAX_PORTS];
	struct spp_vlan tx_vlan[SPP_MAX_PORTS];
} __rte_cache_aligned;

/* What an lcore runs: n components, in turn. */
struct spp_list {
	uint32_t n;
	struct spp_component *comps[SPP_MAX_COMPS];
};

/*
 * One worker lcore. Go asks for a new list by writing the slot req+1 (the
 * one the loop does not use) and then bumping req; the loop notices it at a
 * burst boundary, switches and stores ack = req.
 */
struct spp_lcore {
	struct spp_list list[2];

	uint64_t req __rte_cache_aligned; /* written by Go */
	int32_t stop;                     /* written by Go */

	uint64_t ack __rte_cache_aligned; /* written by the loop */
	int32_t running;

	/* Per-destination scratch of the classifier, kept here rather than on
	 * the stack: n tx ports x one burst. */
	uint16_t nb_out[SPP_MAX_PORTS] __rte_cache_aligned;
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

/* The kernels: one burst each, adding to c->packets and c->drops. Each has
 * a VLAN variant (vlan.h has the operations). */
void spp_forward(struct spp_lcore *lc, struct spp_component *c);
void spp_forward_vlan(struct spp_lcore *lc, struct spp_component *c);
void spp_merge(struct spp_lcore *lc, struct spp_component *c);
void spp_merge_vlan(struct spp_lcore *lc, struct spp_component *c);
void spp_classifier(struct spp_lcore *lc, struct spp_component *c);
void spp_classifier_vlan(struct spp_lcore *lc, struct spp_component *c);
void spp_mirror(struct spp_lcore *lc, struct spp_component *c);
void spp_mirror_vlan(struct spp_lcore *lc, struct spp_component *c);

/* The loop: entered once per lcore, returns when lc->stop is set. */
int spp_lcore_loop(struct spp_lcore *lc);

#endif
