package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

func TestResults(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	calls := 0
	run := func() ([]sim.Result, error) {
		calls++
		return []sim.Result{{Model: "m", Layer: "conv1", Cycles: 1234, Speedup: 2.5, Fits: true}}, nil
	}
	for i := 0; i < 3; i++ {
		rs, err := Results("test-1", run)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Layer != "conv1" || rs[0].Cycles != 1234 || rs[0].Speedup != 2.5 || !rs[0].Fits {
			t.Errorf("call %d: %+v", i, rs)
		}
	}
	if calls != 1 {
		t.Errorf("run called %d times, want 1", calls)
	}
	if _, err := Results("../x", run); err == nil || !strings.Contains(err.Error(), `key "../x"`) {
		t.Errorf("bad key: err = %v", err)
	}
	boom := errors.New("boom")
	if _, err := Results("test-2", func() ([]sim.Result, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("run error: %v", err)
	}
}

// A key follows the configuration: the same values give the same key, one
// changed value another.
func TestKey(t *testing.T) {
	type cfg struct {
		Buses []int
		MVM   int
	}
	a, b := Key("paper", cfg{[]int{4, 64}, 3200}), Key("paper", cfg{[]int{4, 64}, 3200})
	c := Key("paper", cfg{[]int{4, 64}, 6400})
	if a != b || a == c || !keyPattern.MatchString(a) || !strings.HasPrefix(a, "paper-") || len(a) != len("paper-")+12 {
		t.Errorf("keys %q %q %q", a, b, c)
	}
}

// outside sets up a run outside a notebook: no GONB_TMP_DIR, the system's
// temporary folder and the user's cache directory in fresh folders. It
// returns the temporary folder and where the cache folder must be.
func outside(t *testing.T) (tmp, cache string) {
	t.Helper()
	tmp, base := t.TempDir(), t.TempDir()
	t.Setenv("GONB_TMP_DIR", "")
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_CACHE_HOME", base)
	t.Setenv("HOME", base)
	return tmp, filepath.Join(base, "cimkit")
}

func oneResult() ([]sim.Result, error) {
	return []sim.Result{{Model: "m", Layer: "conv1", Cycles: 1234, Fits: true}}, nil
}

// Outside a notebook the cache was os.TempDir() (/tmp), where anyone can
// plant a symbolic link under the predictable name of the file Results
// writes (cimkit-results-KEY.json.tmp) and have it overwrite a file of the
// user's. Now the cache is the user's own folder, made with mode 0700, and
// nothing in the temporary folder is touched.
func TestResultsOutsideNotebookIgnoresTmp(t *testing.T) {
	tmp, cache := outside(t)
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(tmp, "cimkit-results-k.json.tmp")); err != nil {
		t.Fatal(err)
	}
	rs, err := Results("k", oneResult)
	if err != nil || len(rs) != 1 || rs[0].Cycles != 1234 {
		t.Fatalf("Results = %+v, %v", rs, err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the file behind the planted link now holds %q", b)
	}
	fi, err := os.Stat(cache)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache folder %s: %v, %v; want a directory with mode 0700", cache, fi, err)
	}
	fi, err = os.Stat(filepath.Join(cache, "cimkit-results-k.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file: %v, %v; want mode 0600", fi, err)
	}
	if dir, err := CacheDir(); err != nil || dir != cache {
		t.Errorf("CacheDir() = %q, %v; want %q", dir, err, cache)
	}
}

// A cache folder that is a symbolic link, that others may write in, or
// that belongs to another user is refused, and run's results are not
// written anywhere.
func TestResultsRefusesUnsafeCache(t *testing.T) {
	cases := []struct {
		name, want string
		setup      func(t *testing.T, cache string)
	}{
		{"symlink", "symbolic link", func(t *testing.T, cache string) {
			if err := os.Symlink(t.TempDir(), cache); err != nil {
				t.Fatal(err)
			}
		}},
		{"world-writable", "lets others write", func(t *testing.T, cache string) {
			if err := os.Mkdir(cache, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(cache, 0o777); err != nil {
				t.Fatal(err)
			}
		}},
		{"file", "not a directory", func(t *testing.T, cache string) {
			if err := os.WriteFile(cache, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"other owner", "owned by user", func(t *testing.T, cache string) {
			if err := os.Mkdir(cache, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(cache, 65534, 65534); err != nil {
				t.Skipf("cannot give a folder to another user: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, cache := outside(t)
			c.setup(t, cache)
			calls := 0
			_, err := Results("k", func() ([]sim.Result, error) { calls++; return oneResult() })
			if err == nil || !strings.Contains(err.Error(), cache) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v; want one naming %s and saying %q", err, cache, c.want)
			}
			if calls != 0 {
				t.Errorf("run called %d times before the cache was checked", calls)
			}
		})
	}
	t.Run("notebook folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		t.Setenv("GONB_TMP_DIR", dir)
		if _, err := CacheDir(); err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("GONB_TMP_DIR with mode 0777: err = %v", err)
		}
	})
}
