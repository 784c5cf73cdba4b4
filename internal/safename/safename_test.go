package safename

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestBaseKeepsSafeNames(t *testing.T) {
	for _, s := range []string{"resnet18", "speedup_mobilenet_v1", "layer1.0.conv1", "p2o.Conv.0", "a+b-c", strings.Repeat("x", MaxLen)} {
		if got := Base(s); got != s {
			t.Errorf("Base(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestBaseSanitises(t *testing.T) {
	for _, c := range []struct{ in, prefix string }{
		{"/../../x", "x-"},
		{"speedup_/../../x_1col", "speedup__x_1col-"},
		{"a/..b", "a_b-"},
		{"..", "_"},
		{".", "_"},
		{"", "_"},
		{".git", "git-"},
		{"-rf", "rf-"},
		{"a/b", "a_b-"},
		{`..\..\evil`, "evil-"},
		{"conv\x1b[31mred\n", "conv_31mred-"},
		{"héllo wörld", "h_llo_w_rld-"},
		{strings.Repeat("y", 200), strings.Repeat("y", MaxLen-9) + "-"},
	} {
		got := Base(c.in)
		if !strings.HasPrefix(got, c.prefix) || len(got) > MaxLen || !safe(got) {
			t.Errorf("Base(%q) = %q, want a safe name starting %q", c.in, got, c.prefix)
		}
		if !filepath.IsLocal(got) || filepath.Base(got) != got {
			t.Errorf("Base(%q) = %q is not a local base name", c.in, got)
		}
	}
}

// Inputs that clean to the same text keep distinct names.
func TestBaseDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, s := range []string{"a/b", "a_b", "a b", "a\\b", "a//b", "a_b/"} {
		got := Base(s)
		if prev, ok := seen[got]; ok {
			t.Errorf("Base(%q) = Base(%q) = %q", s, prev, got)
		}
		seen[got] = s
	}
}

func FuzzBase(f *testing.F) {
	for _, s := range []string{"resnet18", "/../x", "", ".", "\x00", "a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Base(s)
		if !safe(got) || !filepath.IsLocal(got) || filepath.Base(got) != got {
			t.Fatalf("Base(%q) = %q is not safe", s, got)
		}
		if safe(s) && got != s {
			t.Fatalf("Base(%q) = %q changed a safe name", s, got)
		}
	})
}
