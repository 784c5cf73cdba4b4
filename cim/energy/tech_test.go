package energy

import "testing"

func TestShippedFilesLoad(t *testing.T) {
	for name, f := range map[string]func() *Tech{"default": Default, "isaac": ISAAC} {
		tc := f()
		if tc == nil || len(tc.Components) != len(roles) {
			t.Errorf("%s: %d components", name, len(tc.Components))
		}
	}
}
