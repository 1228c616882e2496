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

int spp_lcore_loop(struct spp_lcore *lc)
{
	uint64_t seen = __atomic_load_n(&lc->ack, __ATOMIC_ACQUIRE);
	const struct spp_config *c = &lc->cfg[seen & 1];

	__atomic_store_n(&lc->running, 1, __ATOMIC_RELEASE);
	while (likely(!__atomic_load_n(&lc->stop, __ATOMIC_RELAXED))) {
		/* A burst boundary: nothing is held, so the component can
		 * change here without losing or duplicating a packet. */
		uint64_t r = __atomic_load_n(&lc->req, __ATOMIC_ACQUIRE);
		if (unlikely(r != seen)) {
			seen = r;
			c = &lc->cfg[r & 1];
			__atomic_store_n(&lc->packets, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&lc->drops, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&lc->ack, r, __ATOMIC_RELEASE);
		}
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
		default:
			idle_wait();
			break;
		}
	}
	__atomic_store_n(&lc->running, 0, __ATOMIC_RELEASE);
	return 0;
}
