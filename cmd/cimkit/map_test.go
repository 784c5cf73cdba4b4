package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMapCSV(t *testing.T) {
	code, out, errs := cimkit("map", "--model", "lenet5", "--xbar", "32x32", "--cores", "8", "--format", "csv")
	// conv2: 150 x 16 -> 5 row blocks; fc1: 400 x 120 -> 13 x 4 = 52 > 8.
	want := `layer,rows,cols,groups,groups_per_tile,pv,ph,cores,utilization,fits
conv1,25,6,1,1,1,1,1,0.1465,true
conv2,150,16,1,1,5,1,5,0.4688,true
fc1,400,120,1,1,13,4,52,0.9014,false
fc2,120,84,1,1,4,3,12,0.8203,false
fc3,84,10,1,1,3,1,3,0.2734,true
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stderr %q, output\n%s\nwant\n%s", code, errs, out, want)
	}
}

func TestMapTableAndJSON(t *testing.T) {
	code, out, _ := cimkit("map", "--model", "resnet18", "--xbar", "32x32")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 23 {
		t.Fatalf("exit %d, %d lines", code, len(lines))
	}
	// layer4's 3x3 convolutions: 4608 x 512 needs 144 x 16 = 2304 > 1024 cores.
	if f := strings.Fields(lines[17]); strings.Join(f, " ") != "layer4.0.conv2 4608 512 1 1 144 16 2304 1.0000 false" {
		t.Errorf("layer4.0.conv2 line: %q", lines[17])
	}
	if f := strings.Fields(lines[22]); f[0] != "total" || f[len(f)-1] != "17/21" {
		t.Errorf("total line: %q", lines[22])
	}
	code, out, _ = cimkit("map", "--model", "mobilenet_v1", "--format", "json")
	var rows []mapRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) != 28 {
		t.Fatalf("exit %d, %v, %d rows", code, err, len(rows))
	}
	// conv_dw_1 on the default 64x64: 9x1 blocks, 7 per crossbar, 32 channels.
	if r := rows[1]; r.Layer != "conv_dw_1" || r.GroupsPerTile != 7 || r.PV != 1 || r.PH != 5 || r.Cores != 5 || !r.Fits {
		t.Errorf("conv_dw_1: %+v", r)
	}
}
