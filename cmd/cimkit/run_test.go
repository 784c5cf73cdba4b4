package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRunSummary(t *testing.T) {
	code, out, _ := cimkit("run", "--format", "json")
	var rows []runRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) != 6 {
		t.Fatalf("exit %d, %v, %d rows", code, err, len(rows))
	}
	for _, r := range rows {
		want := map[string]int{"mobilenet_v1": 28, "resnet18": 21}[r.Model]
		if r.Layers != want || r.Fit > r.Layers || r.MeanUtil <= 0 || r.MeanUtil > 1 {
			t.Errorf("%+v", r)
		}
	}
	// ResNet-18 on 32x32: the 3x3 convolutions of layer4 need 72 x 16 =
	// 1152 cores (layer4.0.conv1, 256 input channels) or 144 x 16 = 2304
	// (the three with 512); the 17 other layers fit.
	if r := rows[3]; r.Model != "resnet18" || r.Xbar != "32x32" || r.Fit != 17 {
		t.Errorf("resnet18 32x32: %+v", r)
	}
	code, out, _ = cimkit("run")
	if code != 0 || !strings.Contains(out, "mobilenet_v1  128x128") || strings.Count(out, "\n") != 9 {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}
