//go:build !unix

package outdir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockDir takes the directory's lock by creating DIR/.lock exclusively.
// Unlike flock on Unix, a killed process leaves the file behind: it must
// be removed by hand, and the error says so.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			var h Holder
			if b, rerr := os.ReadFile(path); rerr == nil {
				json.Unmarshal(b, &h)
			}
			return nil, &BusyError{Dir: dir, Holder: h}
		}
		return nil, fmt.Errorf("output directory: lock: %w", err)
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Command: strings.Join(os.Args, " ")})
	f.Write(append(b, '\n'))
	return f, nil
}

func unlockDir(f *os.File) error {
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
