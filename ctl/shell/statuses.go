package shell

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// statuses keeps the status each process last reported: completion offers
// its lcores, ports and MACs. A process that leaves or is replaced loses
// its entry (the shell's OnEvent).
type statuses struct {
	mu sync.Mutex
	m  map[registry.Target]status
}

type status struct {
	sec *proto.SecondaryInfo
	pri *proto.PrimaryInfo
	at  time.Time // when it was kept
}

// set keeps raw (a reply's info) as t's status.
func (s *statuses) set(t registry.Target, raw json.RawMessage) error {
	st := status{at: time.Now()}
	if t.Primary {
		st.pri = &proto.PrimaryInfo{}
		if err := json.Unmarshal(raw, st.pri); err != nil {
			return err
		}
	} else {
		st.sec = &proto.SecondaryInfo{}
		if err := json.Unmarshal(raw, st.sec); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[registry.Target]status{}
	}
	s.m[t] = st
	return nil
}

// get returns t's last status: a secondary's or the primary's (the other
// is nil; both are nil before any).
func (s *statuses) get(t registry.Target) (*proto.SecondaryInfo, *proto.PrimaryInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.m[t]
	return st.sec, st.pri
}

// drop forgets t's status if it was kept before since (a zero since:
// whenever), as rate.Tracker.ForgetBefore does.
func (s *statuses) drop(t registry.Target, since time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[t]; ok && (since.IsZero() || st.at.Before(since)) {
		delete(s.m, t)
	}
}
