package registry

import "flag"

// Where is where a controller listens for the daemons: the -p, -s and
// --bind flags of each spp command that listens (spp, spp serve, spp topo).
type Where struct {
	Bind     string
	Pri, Sec int // TCP ports
}

// Flags defines -p, -s and --bind on fs, read into w.
func (w *Where) Flags(fs *flag.FlagSet) {
	fs.IntVar(&w.Pri, "p", 5555, "listen for spp_primary on TCP `PORT`")
	fs.IntVar(&w.Sec, "s", 6666, "listen for the secondaries (spp_vf, spp_mirror) on TCP `PORT`")
	fs.StringVar(&w.Bind, "bind", "127.0.0.1", "listen for the daemons on `ADDR`")
}

// Listen listens where w says, handing the events to on (see Listen).
func (w *Where) Listen(on func(Event)) (*Registry, error) {
	return Listen(w.Bind, w.Pri, w.Sec, on)
}
