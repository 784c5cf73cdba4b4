package sim

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/internal/limitio"
	"github.com/cimkit/cimkit/internal/records"
)

// Result is the record of one layer under one configuration. The JSON and
// CSV column names are the json tags; Columns lists them in order. Ratios
// that do not apply (a layer that does not fit, a run without bus traffic)
// are 0.
type Result struct {
	Model    string `json:"model"`     // network name
	Layer    string `json:"layer"`     // layer name
	Kind     string `json:"kind"`      // layer kind: conv2d or dense
	XbarRows int    `json:"xbar_rows"` // crossbar rows
	XbarCols int    `json:"xbar_cols"` // crossbar columns
	BusBytes int    `json:"bus_bytes"` // bus width, bytes per beat
	// Interconnect is the chip's interconnect, arch.Shared or arch.AXI4.
	// Optional in files (omitempty): results from before it came from the
	// shared bus, and the readers fill that in.
	Interconnect string `json:"interconnect,omitempty"`
	CoresBudget  int    `json:"cores_budget"` // cores the chip offers
	Scheme       string `json:"scheme"`       // synchronisation scheme
	Fits         bool   `json:"fits"`         // the layer fits the core budget (else no timing)

	PV      int `json:"pv"`      // row blocks: cores adding into the same outputs
	PH      int `json:"ph"`      // column blocks
	Cores   int `json:"cores"`   // cores the layer needs, PV*PH
	Vectors int `json:"vectors"` // output vectors (pixels) per column block

	Cycles     int64   `json:"cycles"`     // makespan under Scheme
	SeqCycles  int64   `json:"seq_cycles"` // makespan under the sequential scheme
	Speedup    float64 `json:"speedup"`    // SeqCycles / Cycles
	Limit      int     `json:"limit"`      // theoretical speedup limit, PV
	BusLimit   float64 `json:"bus_limit"`  // speedup the bus alone allows: SeqCycles / bus-busy cycles
	Efficiency float64 `json:"efficiency"` // Speedup / Limit

	BusBytesTotal  int64   `json:"bus_bytes_total"` // bytes over the bus: LOAD, STORE, CALL
	SyncBytes      int64   `json:"sync_bytes"`      // bytes of CALLs (synchronisation)
	Overhead       float64 `json:"overhead"`        // SyncBytes / BusBytesTotal
	BusUtilization float64 `json:"bus_utilization"` // bus-busy cycles / Cycles

	SyncMemBytes    int64   `json:"sync_mem_bytes"`   // sequence registers: Cores * arch.SeqRegBytes
	PumaAttrBytes   int64   `json:"puma_attr_bytes"`  // PUMA-style attribute buffer for the same data (see package doc)
	IFMBytes        int64   `json:"ifm_bytes"`        // input feature map in shared memory
	OFMBytes        int64   `json:"ofm_bytes"`        // output feature map in shared memory
	PsumBytes       int64   `json:"psum_bytes"`       // partial sums in shared memory (0 when PV = 1)
	XbarUtilization float64 `json:"xbar_utilization"` // crossbar cells used / cells held

	// Reason says why a layer does not fit (Fits false): too many cores
	// for the budget, or too much data for the shared memory; empty when
	// it fits. Optional in files (omitempty): older results lack it.
	Reason string `json:"reason,omitempty"`

	// Energy and area (package cim/energy, priced with Options.Tech; 0 when
	// the layer does not fit). The energy classes add up to EnergyPJ. Optional
	// in files (omitempty): results from before them lack them.
	Ops            int64   `json:"ops,omitempty"`               // operations of the layer: 2 per multiply-accumulate
	EnergyPJ       float64 `json:"energy_pj,omitempty"`         // energy of the run under Scheme, pJ
	EnergyXbarPJ   float64 `json:"energy_xbar_pj,omitempty"`    // crossbar cell reads, DAC conversions, samples, cell writes
	EnergyADCPJ    float64 `json:"energy_adc_pj,omitempty"`     // ADC conversions
	EnergyDigitPJ  float64 `json:"energy_digital_pj,omitempty"` // shift-and-adds, input/output registers, MOVs and VOPs
	EnergyMemPJ    float64 `json:"energy_mem_pj,omitempty"`     // shared-memory reads and writes
	EnergyBusPJ    float64 `json:"energy_bus_pj,omitempty"`     // bus transfers of LOADs and STOREs
	EnergySyncPJ   float64 `json:"energy_sync_pj,omitempty"`    // CALLs, sequence-register writes, WAIT checks, the registers' leakage
	EnergyStaticPJ float64 `json:"energy_static_pj,omitempty"`  // leakage of everything else for the run's time
	AreaMM2        float64 `json:"area_mm2,omitempty"`          // the chip the layer powers: its cores, the shared memory it holds, the bus
	SyncAreaMM2    float64 `json:"sync_area_mm2,omitempty"`     // of which sequence registers
	PumaSyncPJ     float64 `json:"puma_sync_pj,omitempty"`      // a PUMA attribute buffer instead of EnergySyncPJ (see package doc)
	PumaAreaMM2    float64 `json:"puma_area_mm2,omitempty"`     // area of that attribute buffer
	TOPSPerW       float64 `json:"tops_per_w,omitempty"`        // Ops / EnergyPJ: tera-operations per second per watt
	TOPSPerMM2     float64 `json:"tops_per_mm2,omitempty"`      // Ops per second of the run / AreaMM2, in tera
}

// Columns returns the column names of a Result, in CSV order.
func Columns() []string { return records.Columns(reflect.TypeFor[Result]()) }

// RequiredColumns returns the columns every results file must have:
// Columns without the optional ones (tagged omitempty, such as reason),
// which files written before they were added lack.
func RequiredColumns() []string {
	t := reflect.TypeFor[Result]()
	var out []string
	for i, c := range Columns() {
		if !optional(t, i) {
			out = append(out, c)
		}
	}
	return out
}

// optional reports whether field i of Result is an optional column.
func optional(t reflect.Type, i int) bool {
	return strings.HasSuffix(t.Field(i).Tag.Get("json"), ",omitempty")
}

// Strings returns the record's values as CSV cells, in Columns order.
// Floats use the shortest representation that reads back exactly.
func (r *Result) Strings() []string { return records.Cells(reflect.ValueOf(r).Elem()) }

// set parses s into field i of r.
func (r *Result) set(i int, s string) error {
	f := reflect.ValueOf(r).Elem().Field(i)
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return err
		}
		f.SetFloat(x)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		f.SetBool(b)
	}
	return nil
}

// WriteCSV writes the results with a header row of Columns.
func WriteCSV(w io.Writer, rs []Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns()); err != nil {
		return err
	}
	for i := range rs {
		if err := cw.Write(rs[i].Strings()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// EnergyColumns returns the energy, area and efficiency columns of
// Columns (from "ops" on). They are optional columns: results files from
// before them load, with energies of 0.
func EnergyColumns() []string {
	cols := Columns()
	for i, c := range cols {
		if c == "ops" {
			return cols[i:]
		}
	}
	return nil
}

// Limits of ReadCSV and ReadJSON: a file past them is an error (wrapping
// limitio.ErrTooLarge), not a reader that grows without end.
const (
	MaxFileBytes = 1 << 30 // bytes of a results file (1 GiB)
	MaxLineBytes = 1 << 16 // bytes of a line of a results CSV
)

// ReadCSV reads results written by WriteCSV. Columns may come in any order
// and extra columns are ignored, but every column of RequiredColumns must
// be there (an optional one missing stays empty).
// Lines starting with '#' before the header are skipped (SkipPreamble).
func ReadCSV(r io.Reader) ([]Result, error) {
	cr := csv.NewReader(limitio.NewReader(SkipPreamble(r), MaxFileBytes, MaxLineBytes))
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("sim: results CSV: reading header: %w", err)
	}
	pos := map[string]int{}
	for i, h := range head {
		pos[h] = i
	}
	cols := Columns()
	t := reflect.TypeFor[Result]()
	idx := make([]int, len(cols))
	for i, c := range cols {
		j, ok := pos[c]
		if !ok && !optional(t, i) {
			return nil, fmt.Errorf("sim: results CSV: header has no column %q", c)
		}
		if !ok {
			j = -1
		}
		idx[i] = j
	}
	var out []Result
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("sim: results CSV: %w", err)
		}
		var res Result
		for i, j := range idx {
			if j < 0 {
				continue
			}
			if err := res.set(i, rec[j]); err != nil {
				return nil, fmt.Errorf("sim: results CSV line %d, column %s: bad value %q", line, cols[i], rec[j])
			}
		}
		out = append(out, res.filled())
	}
}

// filled is r with the interconnect of results from before the column
// (the shared bus) filled in.
func (r Result) filled() Result {
	if r.Interconnect == "" {
		r.Interconnect = arch.Shared
	}
	return r
}

// WriteJSON writes the results as an indented JSON array.
func WriteJSON(w io.Writer, rs []Result) error {
	if rs == nil {
		rs = []Result{}
	}
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadJSON reads results written by WriteJSON; unknown fields are an error,
// and so is a file of more than MaxFileBytes.
func ReadJSON(r io.Reader) ([]Result, error) {
	dec := json.NewDecoder(limitio.NewReader(r, MaxFileBytes, 0))
	dec.DisallowUnknownFields()
	var out []Result
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("sim: results JSON: %w", err)
	}
	for i := range out {
		out[i] = out[i].filled()
	}
	return out, nil
}

// DataFrame converts results to a gota DataFrame with one column per
// Columns name (string, int, float or bool series).
func DataFrame(rs []Result) dataframe.DataFrame {
	rows := make([]reflect.Value, len(rs))
	for i := range rs {
		rows[i] = reflect.ValueOf(&rs[i]).Elem()
	}
	return records.Frame(reflect.TypeFor[Result](), rows)
}
