package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLayersCSV(t *testing.T) {
	code, out, errs := cimkit("layers", "--model", "lenet5", "--format", "csv")
	want := `name,kind,in,out,kernel,stride,groups,macs,params,im2col_rows,im2col_cols
conv1,conv2d,1x32x32,6x28x28,5x5,1x1,1,117600,156,25,6
pool1,avgpool,6x28x28,6x14x14,2x2,2x2,-,0,0,-,-
conv2,conv2d,6x14x14,16x10x10,5x5,1x1,1,240000,2416,150,16
pool2,avgpool,16x10x10,16x5x5,2x2,2x2,-,0,0,-,-
fc1,dense,16x5x5,120x1x1,-,-,1,48000,48120,400,120
fc2,dense,120x1x1,84x1x1,-,-,1,10080,10164,120,84
fc3,dense,84x1x1,10x1x1,-,-,1,840,850,84,10
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stderr %q, output\n%s\nwant\n%s", code, errs, out, want)
	}
}

func TestLayersTableTotal(t *testing.T) {
	code, out, _ := cimkit("layers", "--model", "resnet18")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 33 { // header, 31 layers, total
		t.Fatalf("exit %d, %d lines", code, len(lines))
	}
	if f := strings.Fields(lines[1]); strings.Join(f, " ") != "conv1 conv2d 3x224x224 64x112x112 7x7 2x2 1 118013952 9536 147 64" {
		t.Errorf("conv1 line: %q", lines[1])
	}
	if f := strings.Fields(lines[32]); len(f) != 3 || f[0] != "total" || f[1] != "1814073344" || f[2] != "11689512" {
		t.Errorf("total line: %q", lines[32])
	}
}

func TestLayersJSONAndInput(t *testing.T) {
	code, out, _ := cimkit("layers", "--model", "mobilenet_v1", "--input", "32", "--format", "json")
	var rows []layerRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("exit %d, %v", code, err)
	}
	last := rows[len(rows)-1]
	if rows[0].In != "3x32x32" || rows[0].Out != "32x16x16" || last.Name != "conv_preds" || last.MACs != 1024000 {
		t.Errorf("first %+v, last %+v", rows[0], last)
	}
	dw := rows[1]
	if dw.Name != "conv_dw_1" || dw.Groups != 32 || dw.Im2colRows != 288 || dw.Im2colCols != 32 || dw.MACs != 16*16*9*32 {
		t.Errorf("conv_dw_1: %+v", dw)
	}
}

func TestModelUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"layers"}, []string{"--model is required", "resnet18"}},
		{[]string{"layers", "--model", "resnet19"}, []string{`unknown --model "resnet19"`, "mobilenet_v1"}},
		{[]string{"layers", "--model", "resnet18", "--input", "0"}, []string{"--input 0", "1..4096"}},
		{[]string{"layers", "--model", "resnet18", "--input", "4097"}, []string{"--input 4097", "1..4096"}},
		{[]string{"layers", "--model", "resnet18", "--input", "-5"}, []string{"--input -5"}},
		{[]string{"layers", "--model", "resnet18", "--input", "x"}, []string{"invalid value"}},
		{[]string{"layers", "--model", "alexnet", "--input", "32"}, []string{"--input 32", "too small", "features"}},
		{[]string{"layers", "--model", "resnet18", "--format", "xml"}, []string{`"xml"`, "table|csv|json"}},
		{[]string{"layers", "--model", "resnet18", "--bogus"}, []string{"bogus"}},
		{[]string{"layers", "--model", "resnet18", "extra"}, []string{`unexpected argument "extra"`}},
		{[]string{"map", "--model", "resnet18", "--xbar", "0"}, []string{"--xbar", `"0"`, "ROWSxCOLS"}},
		{[]string{"map", "--model", "resnet18", "--xbar", "64y64"}, []string{"--xbar", "ROWSxCOLS"}},
		{[]string{"map", "--model", "resnet18", "--cores", "0"}, []string{"--cores 0"}},
		{[]string{"map", "--model", "nope"}, []string{`unknown --model "nope"`}},
		{[]string{"map", "--model", "lenet5", "--format", "yaml"}, []string{"table|csv|json"}},
	} {
		code, out, errs := cimkit(c.args...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", c.args, code, out)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: stderr %q lacks %q", c.args, errs, w)
			}
		}
	}
}
