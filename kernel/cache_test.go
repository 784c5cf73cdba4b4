package kernel

import (
	"errors"
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
