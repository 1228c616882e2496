package main

// The generator role: `bench gen ...`, a small DPDK process the harness
// starts (os.Executable re-executed) next to spp_primary or testpmd. It runs
// common/dpdk/dpdktest's generator loop on one lcore and answers "stats"
// and "stop" on stdin, one JSON line per "stats" on stdout.

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"time"

	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/dpdk/dpdktest"
)

// Destination MAC mixes of the generator (-dst).
const (
	dstOne   = "one"   // one MAC: the content does not matter
	dstTwo   = "two"   // macA, macB and an unknown MAC, in random order
	dstTable = "table" // uniform random over the tableSize MACs of tableMAC
)

const (
	macA       = 0x52540000000a // classifier: to tx[0]
	macB       = 0x52540000000b // classifier: to tx[1]
	macUnknown = 0x5254000000ff // classifier: to the default (tx[2])
	macSrc     = 0x5254ffff0001
	tableSize  = 65536
)

// tableMAC is the i-th MAC of the large classifier table.
func tableMAC(i int) uint64 { return 0x525401000000 | uint64(i) }

// dstSequence is the sequence of destination MACs the generator cycles
// through. It is fixed (seeded), so that every run sends the same traffic.
func dstSequence(mode string) ([]uint64, error) {
	rng := rand.New(rand.NewSource(1))
	switch mode {
	case dstOne:
		return []uint64{macA}, nil
	case dstTwo:
		mix := []uint64{macA, macB, macUnknown}
		seq := make([]uint64, 1<<12)
		for i := range seq {
			seq[i] = mix[rng.Intn(len(mix))]
		}
		return seq, nil
	case dstTable:
		// 4 entries per MAC on average: long enough that the order
		// does not repeat within a cache's reach.
		seq := make([]uint64, 1<<18)
		for i := range seq {
			seq[i] = tableMAC(rng.Intn(tableSize))
		}
		return seq, nil
	}
	return nil, fmt.Errorf("unknown -dst %q (one, two, table)", mode)
}

// templateFrame is a 64-byte Ethernet/IPv4/UDP frame; the generator
// replaces its destination MAC. With a VLAN id (1..4094) it carries an
// 802.1Q tag (TPID 0x8100, PCP 0) with that id before the EtherType, and
// the IPv4 packet is 4 bytes shorter, so that the frame stays 64 bytes.
func templateFrame(vlan uint16) []byte {
	f := make([]byte, dpdktest.GenFrameLen)
	for i := 0; i < 6; i++ {
		f[6+i] = byte(uint64(macSrc) >> (40 - 8*i))
	}
	ip, ipLen := 14, byte(46)
	if vlan != 0 {
		copy(f[12:], []byte{0x81, 0x00, byte(vlan >> 8 & 0x0f), byte(vlan)})
		ip, ipLen = 18, 42
	}
	copy(f[ip-2:], []byte{0x08, 0x00})                                        // IPv4
	copy(f[ip:], []byte{0x45, 0, 0, ipLen, 0, 0, 0, 0, 64, 17, 0, 0})         // ver/ihl, length, ttl 64, UDP
	copy(f[ip+12:], []byte{10, 0, 0, 1, 10, 0, 0, 2, 0x04, 0xd2, 0x16, 0x2e}) // 10.0.0.1 -> 10.0.0.2, 1234 -> 5678
	copy(f[ip+24:], []byte{0, ipLen - 20, 0, 0})                              // UDP length
	return f
}

// genStats is one answer to "stats".
type genStats struct {
	Sent   uint64 `json:"sent"`
	Full   uint64 `json:"full"`
	NoMbuf uint64 `json:"nombuf"`
	WaitNs int64  `json:"wait_full_ns"` // time spent waiting for room in the ring
	Sink   uint64 `json:"sink"`
	// Rewritten: packets written whole again, their consumer having
	// changed them (a VLAN strip); -vlan only.
	Rewritten uint64 `json:"rewritten"`
	Tagged    bool   `json:"tagged"` // -vlan was given

	at  time.Time // when they were read, and the CPU time of the
	cpu cpuTimes  // generator's thread then (filled by the harness)
}

func genMain(args []string) int {
	fs := flag.NewFlagSet("bench gen", flag.ContinueOnError)
	ealArgs := fs.String("eal", "", "EAL arguments")
	poolName := fs.String("pool", dpdk.MbufPoolName, "mbuf pool to take packets from")
	ringName := fs.String("ring", dpdk.RingName(0), "ring to fill")
	create := fs.Bool("create", false, "create the pool and the ring (this process is the primary)")
	poolSize := fs.Uint("pool-size", 16383, "mbufs in the pool, with -create")
	ringSize := fs.Uint("ring-size", 1024, "ring slots, with -create")
	dst := fs.String("dst", dstOne, "destination MACs: one, two, table")
	lcore := fs.Int("lcore", 6, "lcore of the generator loop")
	sinkLcore := fs.Int("sink", -1, "lcore of a sink draining the ring (measures the generator alone); -1: none")
	vlan := fs.Uint("vlan", 0, "802.1Q-tag the frames with this VLAN id (and write a packet whole again when its consumer stripped the tag in place); 0: untagged")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "bench gen:", err)
		return 1
	}
	seq, err := dstSequence(*dst)
	if err != nil {
		return fail(err)
	}
	if *vlan > 4094 {
		return fail(fmt.Errorf("-vlan %d: want 1..4094, or 0", *vlan))
	}
	if _, err := dpdk.Init(append([]string{"bench-gen"}, strings.Fields(*ealArgs)...)); err != nil {
		return fail(err)
	}
	defer dpdk.Shutdown()

	var pool *dpdk.Mempool
	var ring *dpdk.Ring
	if *create {
		if pool, err = dpdk.CreateMbufPool(*poolName, uint32(*poolSize)); err != nil {
			return fail(err)
		}
		if ring, err = dpdk.CreateRing(*ringName, *ringSize); err != nil {
			return fail(err)
		}
	} else {
		if pool, err = dpdk.LookupMbufPool(*poolName); err != nil {
			return fail(err)
		}
		if ring, err = dpdk.LookupRing(*ringName); err != nil {
			return fail(err)
		}
	}
	g, err := dpdktest.NewGenerator(pool, ring, templateFrame(uint16(*vlan)), seq)
	if err != nil {
		return fail(err)
	}
	if *vlan != 0 {
		g.RewriteEach()
	}
	var sink *dpdktest.Sink
	if *sinkLcore >= 0 {
		if sink, err = dpdktest.StartSink(ring, *sinkLcore); err != nil {
			return fail(err)
		}
	}
	if err := g.Start(*lcore); err != nil {
		return fail(err)
	}
	fmt.Println("ready")

	// Serve until "stop" or the end of stdin (the harness died).
	in := bufio.NewScanner(os.Stdin)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() && strings.TrimSpace(in.Text()) != "stop" {
		if strings.TrimSpace(in.Text()) == "stats" {
			c := g.Counters()
			s := genStats{Sent: c.Sent, Full: c.Full, NoMbuf: c.NoMbuf, WaitNs: int64(c.WaitFull),
				Rewritten: c.Rewritten, Tagged: *vlan != 0}
			if sink != nil {
				s.Sink = sink.Got()
			}
			enc.Encode(s)
		}
	}
	// The generator first, so that the sink can empty the ring.
	g.Stop()
	if sink != nil {
		for i := 0; i < 1000 && ring.Count() > 0; i++ {
			time.Sleep(time.Millisecond)
		}
		sink.Stop()
	}
	fmt.Println("stopped")
	return 0
}
