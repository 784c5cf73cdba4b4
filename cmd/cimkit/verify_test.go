package main

import (
	"strings"
	"testing"
)

// The acceptance check: every conv and dense layer of ResNet-18 and
// MobileNet v1 at input 32 verifies on 32x32 and 64x64 crossbars in all
// three schemes.
func TestVerifyPaperModels(t *testing.T) {
	for _, model := range []string{"resnet18", "mobilenet_v1"} {
		for _, xbar := range []string{"32x32", "64x64"} {
			code, out, errs := cimkit("verify", "--model", model, "--input", "32", "--xbar", xbar, "--scheme", "all", "--seeds", "2", "--format", "csv")
			if code != 0 {
				t.Fatalf("%s %s: exit %d: %s\n%s", model, xbar, code, errs, out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) < 2 {
				t.Fatalf("%s %s: no rows", model, xbar)
			}
			for _, l := range lines[1:] {
				if !strings.HasSuffix(l, ",true,ok") {
					t.Errorf("%s %s: %s", model, xbar, l)
				}
			}
		}
	}
}

func TestVerifyOneLayer(t *testing.T) {
	code, out, errs := cimkit("verify", "--model", "resnet18", "--input", "32", "--layer", "layer1.0.conv1", "--xbar", "64x64", "--scheme", "linear", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`"layer": "layer1.0.conv1"`, `"scheme": "linear"`, `"pv": 9`, `"schedules": 3`, `"ok": true`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// A layer that does not fit an explicit core budget fails (exit 1) and says
// how many cores it needs.
func TestVerifyNotFitting(t *testing.T) {
	code, out, errs := cimkit("verify", "--model", "resnet18", "--input", "32", "--layer", "layer4.0.conv2", "--xbar", "32x32", "--cores", "1024", "--scheme", "cyclic")
	if code != 1 || !strings.Contains(out, "needs 2304 cores, arch has 1024") || !strings.Contains(errs, "1 of 1 checks failed") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}

func TestVerifyUsage(t *testing.T) {
	for _, args := range [][]string{
		{"verify"},
		{"verify", "--model", "nope"},
		{"verify", "--model", "resnet18", "--scheme", "zigzag"},
		{"verify", "--model", "resnet18", "--seeds", "0"},
		{"verify", "--model", "resnet18", "--xbar", "0x4"},
		{"verify", "--model", "resnet18", "--layer", "layer1.0.add"},
		{"verify", "--model", "resnet18", "--format", "xml"},
		{"verify", "--model", "resnet18", "extra"},
	} {
		if code, _, errs := cimkit(args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
