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
