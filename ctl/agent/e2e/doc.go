// Package e2e holds the end-to-end tests of `spp agent` (agent.md, "Tests
// the work must have") through real daemons: spp_primary, spp_vf, testpmd
// VMs on virtio_user, `spp serve`, `bin/spp agent` as a process, and an
// etcd (the embedded server, in the test process). They start DPDK: run
// them under flock /tmp/spp-dpdk.lock, with SPP_BIN pointing at bin/
// (make build). Only tests are here.
package e2e
