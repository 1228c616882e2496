package sectest

// HandOver lets another controller take the node: it closes the test's
// controllers and the control connections of the primary and of ds, and
// returns the addresses the daemons dial. The daemons keep running and
// connect to whatever listens there next, within a second (their retry
// interval): the spp shell's integration test runs bin/spp on them.
func (n *Node) HandOver(ds ...*Daemon) (priAddr, secAddr string) {
	priAddr, secAddr = n.ctlPri.Addr(), n.ctlSec.Addr()
	n.ctlPri.Close()
	n.Primary.Peer.Close()
	n.KillController(ds...)
	return priAddr, secAddr
}
