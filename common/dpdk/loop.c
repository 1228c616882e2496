/* The lcore loop shared by every component: one per worker lcore, entered
 * once from Go, leaving only when Go sets stop. */
#include <time.h>
#include <rte_pause.h>
#include "dataplane.h"

/* An idle lcore sleeps between looks at its request word, so that an unused
 * worker does not burn a CPU that two processes may share. 100 us bounds the
 * time an idle lcore takes to notice a new component. */
static void idle_wait(void)
{
	struct timespec ts = {0, 100 * 1000};
	nanosleep(&ts, NULL);
}

/* One burst of component c. */
static inline __attribute__((always_inline)) void run(struct spp_lcore *lc, struct spp_component *c)
{
	switch (c->kernel) {
	case SPP_FORWARD:
		spp_forward(lc, c);
		break;
	case SPP_MERGE:
		spp_merge(lc, c);
		break;
	case SPP_CLASSIFIER:
		spp_classifier(lc, c);
		break;
	case SPP_MIRROR:
		spp_mirror(lc, c);
		break;
	case SPP_FORWARD | SPP_VLAN:
		spp_forward_vlan(lc, c);
		break;
	case SPP_MERGE | SPP_VLAN:
		spp_merge_vlan(lc, c);
		break;
	case SPP_CLASSIFIER | SPP_VLAN:
		spp_classifier_vlan(lc, c);
		break;
	case SPP_MIRROR | SPP_VLAN:
		spp_mirror_vlan(lc, c);
		break;
	}
}

int spp_lcore_loop(struct spp_lcore *lc)
{
	uint64_t seen = __atomic_load_n(&lc->ack, __ATOMIC_ACQUIRE);
	const struct spp_list *l = &lc->list[seen & 1];
	uint32_t n = l->n;
	struct spp_component *first = l->comps[0];

	__atomic_store_n(&lc->running, 1, __ATOMIC_RELEASE);
	while (likely(!__atomic_load_n(&lc->stop, __ATOMIC_RELAXED))) {
		/* A burst boundary: nothing is held, so the components can
		 * change here without losing or duplicating a packet. */
		uint64_t r = __atomic_load_n(&lc->req, __ATOMIC_ACQUIRE);
		if (unlikely(r != seen)) {
			seen = r;
			l = &lc->list[r & 1];
			n = l->n;
			first = l->comps[0];
			__atomic_store_n(&lc->ack, r, __ATOMIC_RELEASE);
		}
		/* One component alone runs as it did before lists existed:
		 * the loop adds one predictable branch. */
		if (likely(n == 1)) {
			run(lc, first);
			continue;
		}
		if (n == 0) {
			idle_wait();
			continue;
		}
		for (uint32_t i = 0; i < n; i++)
			run(lc, l->comps[i]);
	}
	__atomic_store_n(&lc->running, 0, __ATOMIC_RELEASE);
	return 0;
}
