package dpdk

// What the external tests (dpdk_test, which imports dpdktest and so cannot
// be package dpdk) see of the package's internals.

// CacheLen is how many mbufs lcore's cache of p holds.
func (p *Mempool) CacheLen(lcore int) int { return p.cacheLen(lcore) }

// FlushCaches empties this process's lcore caches of every tracked pool.
var FlushCaches = flushCaches
