package client

import (
	"encoding/json"
	"fmt"

	"github.com/spp-go/spp/common/proto"
)

// Reply is a daemon's reply as a client reads it (proto.Reply is the
// daemon's side): info is kept raw until the kind of process is known.
type Reply struct {
	Results     []proto.Result  `json:"results"`
	ClientID    *int            `json:"client_id"`
	ProcessType string          `json:"process_type"`
	Info        json.RawMessage `json:"info"`
}

// Parse reads a reply that Send returned.
func Parse(raw []byte) (*Reply, error) {
	var r Reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("unreadable reply %.160s: %v", raw, err)
	}
	return &r, nil
}

// OK says whether every command succeeded.
func (r *Reply) OK() bool {
	for _, x := range r.Results {
		if x.Result != proto.Success {
			return false
		}
	}
	return true
}

// FirstError returns the message of the first failed command ("error"
// when it has none), or "" when no command failed. Commands cancelled or
// not run because of it are not failures of their own.
func (r *Reply) FirstError() string {
	for _, x := range r.Results {
		if x.Result == proto.Failure {
			if x.ErrorDetails != nil {
				return x.ErrorDetails.Message
			}
			return "error"
		}
	}
	return ""
}

// SecondaryInfo reads info as the status of spp_vf or spp_mirror.
func (r *Reply) SecondaryInfo() (*proto.SecondaryInfo, error) {
	var in proto.SecondaryInfo
	if err := r.info(&in); err != nil {
		return nil, err
	}
	return &in, nil
}

// PrimaryInfo reads info as the status of spp_primary.
func (r *Reply) PrimaryInfo() (*proto.PrimaryInfo, error) {
	var in proto.PrimaryInfo
	if err := r.info(&in); err != nil {
		return nil, err
	}
	return &in, nil
}

func (r *Reply) info(v any) error {
	if len(r.Info) == 0 {
		return fmt.Errorf("the reply has no info")
	}
	if err := json.Unmarshal(r.Info, v); err != nil {
		return fmt.Errorf("info: %v", err)
	}
	return nil
}
