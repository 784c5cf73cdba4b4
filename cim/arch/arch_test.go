package arch

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadKeepsDefaults(t *testing.T) {
	a, err := Load(strings.NewReader(`{"xbar_rows": 32, "xbar_cols": 32, "bus_bytes": 4}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.XbarRows, want.XbarCols, want.BusBytes = 32, 32, 4
	if a != want {
		t.Fatalf("Load = %+v, want %+v", a, want)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"xbar_rows": 0}`, "xbar_rows = 0"},
		{`{"bus_bytes": -4}`, "bus_bytes = -4"},
		{`{"mvm_cycles": 0}`, "mvm_cycles = 0"},
		{`{"digital_lanes": 0}`, "digital_lanes = 0"},
		{`{"row_write_cycles": -1}`, "row_write_cycles = -1"},
		{`{"xbar_rows": 32`, "malformed JSON"},
		{`{"xbar_rowz": 32}`, `unknown field "xbar_rowz"`},
		{`{"cores": "many"}`, "malformed JSON"},
		{`{} {}`, "more than one object"},
		{``, "malformed JSON"},
		// Issue 12 item 11: what encoding/json alone lets pass.
		{`null`, "want a JSON object of chip fields, got null"},
		{`[1]`, `want a JSON object of chip fields, got "["`},
		{`32`, "want a JSON object of chip fields, got float64 32"},
		{`{"XBAR_ROWS": 32}`, `field "XBAR_ROWS": field names are lower case, want "xbar_rows"`},
		{`{"Cores": 8}`, `field "Cores": field names are lower case, want "cores"`},
		{`{"cores": null}`, `field "cores" is null`},
		{`{"cores": 8, "cores": 16}`, `field "cores" given twice`},
		{`{"cores": 8,}`, "malformed JSON"},
		{`{"bus_bytes": 16` + strings.Repeat(" ", MaxJSONBytes) + `}`, "JSON too large: more than 1048576 bytes"},
	} {
		_, err := Load(strings.NewReader(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) = %v, want an error containing %q", tc.json, err, tc.want)
		}
	}
}

// A UTF-8 byte order mark (as some editors write) is skipped; a file of
// exactly MaxJSONBytes is read.
func TestLoadBOMAndLimit(t *testing.T) {
	a, err := Load(strings.NewReader("\xef\xbb\xbf{\"cores\": 8}"))
	if err != nil || a.Cores != 8 {
		t.Errorf("with a BOM: %+v, %v", a, err)
	}
	body := `{"cores": 8}`
	a, err = Load(strings.NewReader(body + strings.Repeat("\n", MaxJSONBytes-len(body))))
	if err != nil || a.Cores != 8 {
		t.Errorf("exactly %d bytes: %v", MaxJSONBytes, err)
	}
}

// FuzzLoad: any input gives a valid chip or an error, never a panic; what
// loads passes Validate and survives a JSON round trip.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{`{}`, `{"xbar_rows": 32, "cores": 8}`, `null`, `{"Cores": 1}`, "\xef\xbb\xbf{}", `{"cores": null}`, `[`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Load(strings.NewReader(s))
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("Load(%q) accepted an invalid chip: %v", s, err)
		}
		b, _ := json.Marshal(a)
		if back, err := Load(bytes.NewReader(b)); err != nil || back != a {
			t.Fatalf("round trip of %q: %+v, %v", s, back, err)
		}
	})
}

func TestParseXbar(t *testing.T) {
	for _, tc := range []struct {
		in         string
		rows, cols int
	}{{"64x64", 64, 64}, {"32X128", 32, 128}, {"128", 128, 128}, {" 16x8 ", 16, 8}} {
		r, c, err := ParseXbar(tc.in)
		if err != nil || r != tc.rows || c != tc.cols {
			t.Errorf("ParseXbar(%q) = %d, %d, %v; want %d, %d", tc.in, r, c, err, tc.rows, tc.cols)
		}
	}
	for _, bad := range []string{"", "0", "0x64", "64x", "x", "-32x32", "axb", "99999x1"} {
		if _, _, err := ParseXbar(bad); err == nil || !strings.Contains(err.Error(), "crossbar") {
			t.Errorf("ParseXbar(%q) = %v, want a crossbar error", bad, err)
		}
	}
}

func TestBusCycles(t *testing.T) {
	a := Default() // 16 B per beat, 256-beat bursts, 2 cycles overhead per burst
	for _, tc := range []struct{ bytes, want int64 }{
		{0, 0},
		{1, 1 + 2},
		{16, 1 + 2},
		{17, 2 + 2},
		{4096, 256 + 2},
		{4097, 257 + 2*2},
	} {
		if got := a.BusCycles(tc.bytes); got != tc.want {
			t.Errorf("BusCycles(%d) = %d, want %d", tc.bytes, got, tc.want)
		}
	}
}

func TestSeconds(t *testing.T) {
	if got := Default().Seconds(2000); got != 2e-6 {
		t.Errorf("Seconds(2000) at 1 GHz = %g, want 2e-6", got)
	}
}

func TestVOPCycles(t *testing.T) {
	a := Default() // 4 cycles per pass of 64 lanes
	for _, tc := range []struct{ n, want int64 }{{0, 4}, {1, 4}, {64, 4}, {65, 8}, {640, 40}} {
		if got := a.VOPCycles(tc.n); got != tc.want {
			t.Errorf("VOPCycles(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
