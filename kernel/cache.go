package kernel

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/cimkit/cimkit/cim/sim"
)

// gonb runs every cell as a new program, so a value computed in one cell is
// gone in the next. Results keeps simulation results for the rest of the
// notebook session in a file.

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// CacheDir is the folder Results stores its files in: gonb's temporary folder
// of the session (GONB_TMP_DIR, removed when the kernel stops) inside a
// notebook, the system's temporary folder elsewhere.
func CacheDir() string {
	if d := os.Getenv("GONB_TMP_DIR"); d != "" {
		return d
	}
	return os.TempDir()
}

// Results returns the results stored under key by an earlier cell of the
// session; the first time, it calls run and stores what it returns. key names
// the computation (letters, digits, '.', '_' and '-'); change it when the
// computation changes. A key that cannot be stored or read is an error, and
// so is any error of run.
func Results(key string, run func() ([]sim.Result, error)) ([]sim.Result, error) {
	if !keyPattern.MatchString(key) {
		return nil, fmt.Errorf("kernel.Results: key %q: want 1 to 100 letters, digits, '.', '_' or '-'", key)
	}
	path := filepath.Join(CacheDir(), "cimkit-results-"+key+".json")
	if data, err := os.ReadFile(path); err == nil {
		rs, err := sim.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("kernel.Results: reading %s: %w", path, err)
		}
		return rs, nil
	}
	rs, err := run()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := sim.WriteJSON(&buf, rs); err != nil {
		return nil, fmt.Errorf("kernel.Results: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("kernel.Results: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("kernel.Results: %w", err)
	}
	return rs, nil
}

// Key returns a Results key for a computation named name with the given
// configuration: name, a dash and a short hash of the configuration's Go
// syntax (%#v). A cell that builds its key this way gets new results when
// its configuration changes instead of the cached results of another one.
// The configuration should be plain data (a func prints as its address).
// name must itself be a valid key.
func Key(name string, config ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%#v", config)))
	return fmt.Sprintf("%s-%x", name, sum[:6])
}
