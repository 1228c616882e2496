package topo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// ErrNoDot: the dot program (Debian's graphviz package) is not installed.
var ErrNoDot = errors.New("topo: dot not found: install graphviz (make deps)")

// svgTimeout bounds one rendering; a graph of a node takes milliseconds.
const svgTimeout = 30 * time.Second

// SVG renders a DOT graph as SVG with the dot program.
func SVG(dot []byte) ([]byte, error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, ErrNoDot
	}
	ctx, cancel := context.WithTimeout(context.Background(), svgTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("topo: dot -Tsvg: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if out.Len() == 0 {
		return nil, errors.New("topo: dot -Tsvg wrote nothing")
	}
	return out.Bytes(), nil
}
