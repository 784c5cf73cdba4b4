package plots

import "testing"

// TestTickLabels: tick values are multiples of a step and carry its
// rounding error (6 x 0.2 is 1.2000000000000002); labels do not show it.
func TestTickLabels(t *testing.T) {
	for v, want := range map[float64]string{6 * 0.2: "1.2", 3 * 0.1: "0.3", 15000: "15k", 2.5e6: "2.5M", 0: "0"} {
		if got := shortNum(v); got != want {
			t.Errorf("shortNum(%.17g) = %q, want %q", v, got, want)
		}
	}
	var labels []string
	for _, tk := range (plainTicks{}).Ticks(0, 1.33) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if len(labels) < 3 || labels[len(labels)-1] != "1.2" {
		t.Errorf("ticks over 0..1.33 labelled %q", labels)
	}
}
