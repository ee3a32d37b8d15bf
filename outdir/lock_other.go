//go:build !unix

package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// lockDir takes the directory's lock by creating DIR/.lock exclusively.
// Unlike flock on Unix, a killed process leaves the file behind: it must
// be removed by hand, and the error says so.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, &BusyError{Dir: dir, Holder: readHolder(path)}
		}
		return nil, fmt.Errorf("output directory: lock: %w", err)
	}
	f.Write(holderJSON())
	return f, nil
}

func unlockDir(f *os.File) error {
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
