#include <errno.h>
#include <string.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include "eth.h"

int spp_eth_setup(uint16_t port, struct rte_mempool *mp, uint16_t nrxd, uint16_t ntxd)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	int rc, socket;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc < 0)
		return rc;
	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc < 0)
		return rc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrxd, &ntxd);
	if (rc < 0)
		return rc;
	socket = rte_eth_dev_socket_id(port);
	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_rx_queue_setup(port, 0, nrxd, (unsigned)socket, NULL, mp);
	if (rc < 0)
		return rc;
	rc = rte_eth_tx_queue_setup(port, 0, ntxd, (unsigned)socket, NULL);
	if (rc < 0)
		return rc;
	rc = rte_eth_dev_start(port);
	if (rc < 0)
		return rc;
	/* Not every PMD has a promiscuous mode (net_null has none). */
	rte_eth_promiscuous_enable(port);
	return 0;
}

int spp_eth_name(uint16_t port, char *buf, size_t len)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	if (!rte_eth_dev_is_valid_port(port))
		return -ENODEV;
	int rc = rte_eth_dev_get_name_by_port(port, name);
	if (rc < 0)
		return rc;
	snprintf(buf, len, "%s", name);
	return 0;
}

int spp_eth_driver(uint16_t port, char *buf, size_t len)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(port, &info);
	if (rc < 0)
		return rc;
	snprintf(buf, len, "%s", info.driver_name != NULL ? info.driver_name : "");
	return 0;
}

int spp_eth_link_up(uint16_t port)
{
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port, &link) < 0)
		return 0;
	return link.link_status == RTE_ETH_LINK_UP;
}

void spp_eth_mac(uint16_t port, uint8_t *out)
{
	struct rte_ether_addr a;
	memset(&a, 0, sizeof(a));
	rte_eth_macaddr_get(port, &a);
	memcpy(out, a.addr_bytes, RTE_ETHER_ADDR_LEN);
}

uint16_t spp_eth_next(uint16_t port)
{
	return (uint16_t)rte_eth_find_next(port);
}

int spp_eth_owner_set(uint16_t port, uint64_t id, const char *name)
{
	struct rte_eth_dev_owner o;
	memset(&o, 0, sizeof(o));
	o.id = id;
	snprintf(o.name, sizeof(o.name), "%s", name);
	return rte_eth_dev_owner_set(port, &o);
}

int spp_eth_owner_get(uint16_t port, uint64_t *id, char *name, size_t len)
{
	struct rte_eth_dev_owner o;
	int rc = rte_eth_dev_owner_get(port, &o);
	if (rc < 0)
		return rc;
	*id = o.id;
	snprintf(name, len, "%s", o.name);
	return 0;
}

/* net_vhost marks a queue busy (while_queuing) for the length of each rx or
 * tx burst, and stopping the port waits until the mark is gone: a process
 * killed inside a burst leaves it set for ever. A burst of nothing from
 * any process sets and clears it again (when the queue may be polled,
 * allow_queuing, as it is after such a death). The queue array is the one
 * this process saw when it attached the port: NULL when the port was not
 * configured yet, and then no burst can have been in progress. */
int spp_eth_poll_once(uint16_t port)
{
	struct rte_eth_dev_info info;
	struct rte_mbuf *none[1];
	struct rte_eth_fp_ops *fp;
	uint16_t q;
	int rc = rte_eth_dev_info_get(port, &info);
	if (rc < 0)
		return rc;
	fp = &rte_eth_fp_ops[port];
	for (q = 0; fp->rxq.data != NULL && q < info.nb_rx_queues; q++)
		if (fp->rxq.data[q] != NULL)
			rte_eth_rx_burst(port, q, none, 0);
	for (q = 0; fp->txq.data != NULL && q < info.nb_tx_queues; q++)
		if (fp->txq.data[q] != NULL)
			rte_eth_tx_burst(port, q, none, 0);
	return 0;
}

int spp_main_cpuset(cpu_set_t *set)
{
	rte_cpuset_t s = rte_lcore_cpuset(rte_get_main_lcore());
	memcpy(set, &s, sizeof(*set) < sizeof(s) ? sizeof(*set) : sizeof(s));
	return CPU_COUNT(set);
}

uint64_t spp_ring_drain(struct rte_ring *r)
{
	void *objs[SPP_BURST];
	unsigned n;
	uint64_t total = 0;
	while ((n = rte_ring_dequeue_burst(r, objs, SPP_BURST, NULL)) > 0) {
		rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
		total += n;
	}
	return total;
}

void spp_flush_caches(struct rte_mempool *mp, const unsigned *lcores, int n)
{
	for (int i = 0; i < n; i++) {
		struct rte_mempool_cache *c = rte_mempool_default_cache(mp, lcores[i]);
		if (c != NULL)
			rte_mempool_cache_flush(c, mp);
	}
}

unsigned spp_cache_len(struct rte_mempool *mp, unsigned lcore)
{
	struct rte_mempool_cache *c = rte_mempool_default_cache(mp, lcore);
	return c != NULL ? c->len : 0;
}
