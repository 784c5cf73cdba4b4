package sim

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
)

// TestCSVWithPreamble: lines starting with '#' before the header are
// skipped, however long; a data field starting with '#' after it is data.
func TestCSVWithPreamble(t *testing.T) {
	rs := sampleResults()
	rs[1].Model = "#hash"
	var b bytes.Buffer
	b.WriteString("# cimkit playground results: m at 224 px\n#" + strings.Repeat("x", 10000) + "\n#\n")
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rs) {
		t.Errorf("with a preamble:\n got %+v\nwant %+v", got, rs)
	}
}

func TestSkipPreamble(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"#only":             "",
		"#a\n#b\r\nx,y\n#c": "x,y\n#c",
		"x\n#a":             "x\n#a",
		" #a\nx":            " #a\nx",
	} {
		got, err := io.ReadAll(SkipPreamble(strings.NewReader(in)))
		if err != nil || string(got) != want {
			t.Errorf("SkipPreamble(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
