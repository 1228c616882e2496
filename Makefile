# spp-go: see README.md. `make demo` and `make test` work on a fresh
# Debian 12 machine as root.

GO      ?= go
BIN     := bin
# go-dpdk has no entry in the checksum database; go.sum pins it.
export GONOSUMDB := github.com/yerden/go-dpdk
export GOFLAGS   := -buildvcs=false
# Go 1.26 randomizes the heap's base address; about one DPDK secondary in a
# thousand then finds its Go heap where it must map the primary's memory and
# fails EAL init (common/dpdk/heapbase.go). The usual fixed base is clear of it.
export GOEXPERIMENT := norandomizedheapbase64

# Packages that must build without cgo: protocol, ports, shell, config.
PURE := ./common/component/... ./common/port/... ./common/proto/... ./common/proc/... ./common/daemon/... ./common/engine/... ./common/pcapfile/... ./common/testpmd/... ./common/testenv/... ./common/secondary/sectest/... ./ctl/...

.PHONY: all deps build test unit fuzz fuzz-long bench demo demo-agent soak clean

all: build

deps:
	@./scripts/deps.sh

build:
	$(GO) build -o $(BIN)/spp ./ctl
	$(GO) build -o $(BIN)/spp_primary ./primary
	$(GO) build -o $(BIN)/spp_vf ./vf
	$(GO) build -o $(BIN)/spp_mirror ./mirror

# Unit and integration tests. Integration tests start real processes on
# hugepages and need root; they run here, never skipped. -p 1: the data-plane
# processes of two test binaries would share the machine's two CPUs.
test: deps build
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build $(PURE)
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	SPP_BIN=$(CURDIR)/$(BIN) $(GO) test -p 1 -count=1 -timeout 30m ./...
	$(MAKE) fuzz

# Fuzz targets (package:function). `make fuzz` (part of make test) runs
# each FUZZ_TIME; `make fuzz-long` each FUZZ_LONG_TIME (40 minutes in all),
# printing how many inputs each ran. A crashing input stays in the package's
# testdata/fuzz/TARGET/ and is replayed by every `go test` from then on.
FUZZ := ./common/proto:FuzzDecoder ./common/proto:FuzzText ./ctl/shell:FuzzParse ./ctl/serve:FuzzREST
FUZZ_TIME ?= 15s
FUZZ_LONG_TIME ?= 10m

fuzz:
	GO=$(GO) ./scripts/fuzz.sh $(FUZZ_TIME) $(FUZZ)

fuzz-long:
	GO=$(GO) ./scripts/fuzz.sh $(FUZZ_LONG_TIME) $(FUZZ)

bench: deps build
	$(GO) run ./bench $(BENCH_ARGS)

demo: deps build
	$(BIN)/spp up etc/default.toml $(if $(INTERACTIVE),,--demo)

# VMs plugged through etcd by spp agent (etc/agent.toml, docs/agent.md).
demo-agent: deps build
	BIN=$(BIN) ./scripts/demo-agent.sh

# The agent's soak in full: 100 plug/unplug cycles under traffic (make test
# runs 5). About 5 minutes on 2 CPUs.
SOAK_CYCLES ?= 100
soak: deps build
	SPP_BIN=$(CURDIR)/$(BIN) SPP_SOAK_CYCLES=$(SOAK_CYCLES) $(GO) test -count=1 -v -timeout 30m -run TestSoakPlugUnplug ./ctl/agent/e2e

clean:
	rm -rf $(BIN) log
