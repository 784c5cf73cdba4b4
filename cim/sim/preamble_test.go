package sim

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
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

// The preamble names the chip, the simulator's options and the
// technology; its arch line loads back as the same chip; a line break in
// a line (a file name, say) stays inside its '#' line, so the CSV still
// reads.
func TestWritePreamble(t *testing.T) {
	a := arch.Default()
	a.MVMCycles, a.Interconnect = 1234, arch.AXI4
	lines := append([]string{"cimkit sim --arch 'a\nb.json'"}, Preamble(a, Options{Arbiter: RoundRobin, BlockingMVM: true})...)
	var b bytes.Buffer
	if err := WritePreamble(&b, lines...); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(got) != 4 || got[0] != `# cimkit sim --arch 'a\nb.json'` || got[2] != "# simulator: arbiter=rr blocking_mvm=yes" ||
		got[3] != "# tech: "+energy.Default().Name {
		t.Fatalf("preamble:\n%s", b.String())
	}
	back, err := arch.Load(strings.NewReader(strings.TrimPrefix(got[1], "# arch: ")))
	if err != nil || back != a {
		t.Errorf("arch line %q loads as %+v, %v", got[1], back, err)
	}
	rs := sampleResults()
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	if back, err := ReadCSV(&b); err != nil || !reflect.DeepEqual(back, rs) {
		t.Errorf("CSV after the preamble: %v", err)
	}
}
