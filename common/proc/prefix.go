package proc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Where DPDK keeps a file prefix's files: its runtime directory (as root)
// and, by default, its hugepage files.
const (
	RuntimeDir = "/var/run/dpdk"
	HugeDir    = "/dev/hugepages"
)

// RemovePrefix removes what DPDK processes of a file prefix leave behind:
// RuntimeDir/<prefix> and hugeDir/<prefix>map_*. Only call it when no
// process of that prefix runs any more. A prefix that is empty or holds
// "/" or a glob character is refused.
func RemovePrefix(hugeDir, prefix string) error {
	if prefix == "" || strings.ContainsAny(prefix, "/*?[") {
		return fmt.Errorf("refusing to clean prefix %q", prefix)
	}
	var errs []error
	if err := os.RemoveAll(filepath.Join(RuntimeDir, prefix)); err != nil {
		errs = append(errs, err)
	}
	files, _ := filepath.Glob(filepath.Join(hugeDir, prefix+"map_*"))
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
