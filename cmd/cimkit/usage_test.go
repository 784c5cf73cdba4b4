package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputsExitCodes is issue 12 item 11's table: every command's bad
// inputs, their exit status (2 for a usage error: a bad flag value, a
// missing input file, a chip the layer cannot go on; 1 for an input that is
// read and found wrong) and a piece of the one-line message. Nothing here
// runs a simulation: each case stops before the work.
func TestBadInputsExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notCSV := write("notes.txt", "not a CSV\n")
	archBad := write("bad.json", `{"XBAR_ROWS": 32}`)
	archNull := write("null.json", `null`)
	archBig := write("big.json", `{"cores": 8`+strings.Repeat(" ", 1<<20)+`}`)
	archBOM := write("bom.json", "\xef\xbb\xbf{\"cores\": 1}")
	file := write("file", "x")
	missing := filepath.Join(dir, "missing")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
		{[]string{"layers", "--model", "lenet5", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"layers", "--model", "lenet5", "--input", "x"}, 2, `invalid value "x" for flag -input`},
		{[]string{"layers", "--onnx", missing}, 2, "no such file"},
		{[]string{"layers", "--onnx", notCSV}, 1, "notes.txt"},
		{[]string{"map", "--model", "lenet5", "--cores", "2000000"}, 2, "--cores 2000000: want a number in 1..1048576"},
		{[]string{"map", "--model", "lenet5", "--arch", archBad}, 2, `field "XBAR_ROWS": field names are lower case`},
		{[]string{"map", "--model", "lenet5", "--arch", archNull}, 2, "got null"},
		{[]string{"map", "--model", "lenet5", "--arch", archBig}, 2, "JSON too large"},
		{[]string{"map", "--model", "lenet5", "--arch", missing}, 2, "--arch " + missing + ": no such file"},
		{[]string{"map", "--model", "lenet5", "--arch", dir}, 2, "is a folder"},
		{[]string{"compile", "--model", "lenet5", "--layer", "conv2", "--out", dir, "--cores", "1"}, 2, "needs 3 cores, arch has 1"},
		{[]string{"compile", "--model", "lenet5", "--layer", "conv2", "--out", dir, "--arch", archBOM}, 2, "needs 3 cores, arch has 1"},
		{[]string{"compile", "--model", "lenet5", "--layer", "conv1", "--out", file}, 2, "--out " + file + ": not a folder"},
		{[]string{"compile", "--model", "lenet5", "--layer", "conv1"}, 2, "--layer and --out are required"},
		{[]string{"verify", "--model", "lenet5", "--cores", "1", "--layer", "conv2"}, 2, "nothing verified"},
		{[]string{"verify", "--model", "lenet5", "--arch", archBad}, 2, "XBAR_ROWS"},
		{[]string{"verify", "--model", "lenet5", "--seeds", "0"}, 2, "--seeds 0"},
		{[]string{"sim", "--model", "lenet5", "--bus", "4097"}, 2, "--bus 4097: want a width in 1..4096"},
		{[]string{"sim", "--model", "lenet5", "--cores", "2000000"}, 2, "--cores 2000000"},
		{[]string{"sim", "--model", "lenet5", "--layer", "conv1", "--trace", filepath.Join(missing, "t.csv")}, 2, "does not exist"},
		{[]string{"sim", "--model", "lenet5", "--layer", "conv1", "--trace", dir}, 2, "is a folder"},
		{[]string{"sweep", "--models", "lenet5", "--bus", "4097"}, 2, "--bus 4097: want widths in 1..4096"},
		{[]string{"sweep", "--models", "lenet5", "--cores", "2000000"}, 2, "--cores 2000000: want budgets in 1..1048576"},
		{[]string{"sweep", "--models", "lenet5", "--xbar", "5000"}, 2, "--xbar"},
		{[]string{"sweep", "--models", "lenet5", "--out", filepath.Join(missing, "r.csv")}, 2, "does not exist"},
		{[]string{"sweep", "--models", "lenet5", "--out", dir}, 2, "is a folder"},
		{[]string{"sweep", "--models", "lenet5", "--arch", archNull}, 2, "got null"},
		{[]string{"sweep", "--workers", "-1"}, 2, "--workers -1"},
		{[]string{"report", "--bus", "4097"}, 2, "--bus 4097"},
		{[]string{"report", "--out", file}, 2, "not a folder"},
		{[]string{"report", "--arch", archBad}, 2, "XBAR_ROWS"},
		{[]string{"run", "--cores", "2000000"}, 2, "--cores 2000000"},
		{[]string{"plot"}, 2, "--in (a results CSV"},
		{[]string{"plot", "--trace", notCSV, "--from", "100", "--to", "50"}, 2, "--from 100 --to 50: want 0 <= from < to"},
		{[]string{"plot", "--trace", notCSV, "--from", "-1"}, 2, "--from -1"},
		{[]string{"plot", "--in", missing, "--out", dir}, 2, "--in " + missing + ": no such file"},
		{[]string{"plot", "--in", notCSV, "--out", file}, 2, "not a folder"},
		{[]string{"plot", "--in", notCSV, "--out", dir}, 1, "notes.txt"},
		{[]string{"sim", "--model", "lenet5", "--tech", missing}, 2, "--tech " + missing + ": no such file"},
		{[]string{"sim", "--model", "lenet5", "--interconnect", "zz"}, 2, "--interconnect"},
		{[]string{"net", "--model", "lenet5", "--images", "0"}, 2, "--images 0"},
		{[]string{"net", "--model", "lenet5", "--arch", archNull}, 2, "got null"},
		{[]string{"net", "--model", "nope"}, 2, `unknown --model "nope"`},
		{[]string{"infer", "--model", "lenet5", "--seeds", "0"}, 2, "--seeds 0"},
		{[]string{"infer", "--model", "lenet5", "--out", filepath.Join(missing, "y.npy")}, 2, "does not exist"},
		{[]string{"infer", "--model", "lenet5", "--image", missing}, 2, "no such file"},
		{[]string{"infer", "--model", "lenet5", "--image", dir}, 2, "is a folder"},
		{[]string{"serve", "--dir", missing}, 2, "--dir " + missing},
		{[]string{"serve", "--dir", dir, "--addr", "127.0.0.1:99999"}, 2, "--addr"},
	}
	for _, c := range cases {
		code, out, errs := cimkit(c.args...)
		lines := strings.Count(errs, "\n")
		if code != c.code || !strings.Contains(errs, c.want) || lines != 1 || out != "" && c.code == 2 {
			t.Errorf("%v: exit %d, stdout %.80q, stderr %q; want exit %d and one line with %q", c.args, code, out, errs, c.code, c.want)
		}
		if strings.HasPrefix(errs, "cimkit "+c.args[0]+": "+c.args[0]+": ") {
			t.Errorf("%v: doubled prefix in %q", c.args, errs)
		}
	}
}

// Issue 12 item 3: a node name from an ONNX file with an ANSI escape, a
// tab and a newline reached the terminal raw, recoloured it and broke the
// table's lines and columns. It is now written escaped, one row per layer.
func TestONNXNamesEscaped(t *testing.T) {
	name := "relu\x1b[31m\tred\nfake row"
	file := filepath.Join(t.TempDir(), "evil.onnx")
	model := onnxModel("x", []uint64{1, 2, 4, 4}, "y", []uint64{1, 2, 4, 4}, onnxNode{op: "Relu", name: name, in: "x", out: "y"})
	if err := os.WriteFile(file, model, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cimkit("layers", "--onnx", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.ContainsAny(out, "\x1b\t") || !strings.Contains(out, `relu\x1b[31m\tred\nfake row`) {
		t.Errorf("table:\n%q", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "fake row") {
			t.Errorf("the name's newline started a row: %q", line)
		}
	}
}
