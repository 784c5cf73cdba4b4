package netsim

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"github.com/cimkit/cimkit/internal/records"
	"github.com/go-gota/gota/dataframe"
)

// Result is the record of one whole-network run. The JSON and CSV column
// names are the json tags; Columns lists them in order. Times are for the
// first image unless named otherwise; ratios that do not apply are 0.
type Result struct {
	Model       string `json:"model"`        // network name
	XbarRows    int    `json:"xbar_rows"`    // crossbar rows
	XbarCols    int    `json:"xbar_cols"`    // crossbar columns
	BusBytes    int    `json:"bus_bytes"`    // bus width, bytes per beat
	CoresBudget int    `json:"cores_budget"` // cores the chip offers
	Scheme      string `json:"scheme"`       // synchronisation scheme inside layers
	Mode        string `json:"mode"`         // layer or pipelined
	Duplicate   bool   `json:"duplicate"`    // bottleneck layers were duplicated
	Images      int    `json:"images"`       // images streamed

	Segments     int   `json:"segments"`      // chip programs in sequence (1: every weight resident)
	FoldedLayers int   `json:"folded_layers"` // layers run in rounds
	Cores        int   `json:"cores"`         // cores used (the largest segment)
	CoresNeeded  int   `json:"cores_needed"`  // cores a resident placement would need
	Copies       int   `json:"copies"`        // weight copies beyond the first, all layers
	Instrs       int64 `json:"instrs"`        // instructions executed, all cores

	LatencyCycles  int64   `json:"latency_cycles"`  // end-to-end time of the first image
	LatencyUs      float64 `json:"latency_us"`      // the same in microseconds
	MakespanCycles int64   `json:"makespan_cycles"` // end of the last image
	IntervalCycles float64 `json:"interval_cycles"` // mean cycles between image completions (images >= 2)
	ImagesPerS     float64 `json:"images_per_s"`    // throughput (see package doc)
	Speedup        float64 `json:"speedup"`         // latency of the layer-by-layer run over this one (Compare)
	DupGain        float64 `json:"dup_gain"`        // latency without duplication over this one (Compare)

	Bottleneck      string  `json:"bottleneck"`       // layer with the largest critical-path share
	BottleneckShare float64 `json:"bottleneck_share"` // its share

	CoreUtilization float64 `json:"core_utilization"` // crossbar MVM cycles / (crossbar cores x makespan)
	BusUtilization  float64 `json:"bus_utilization"`  // bus-busy cycles / makespan
	BusBytesTotal   int64   `json:"bus_bytes_total"`  // bytes over the bus
	LayerBytes      int64   `json:"layer_bytes"`      // of which feature maps between layers (input included)
	PsumBytes       int64   `json:"psum_bytes"`       // of which partial sums
	SyncBytes       int64   `json:"sync_bytes"`       // of which CALLs
	WeightBytes     int64   `json:"weight_bytes"`     // of which weights loaded for reprogramming

	ReprogramCycles int64 `json:"reprogram_cycles"` // time any core was reprogramming (loading and writing crossbar rows)
	WriteCycles     int64 `json:"write_cycles"`     // crossbar row writes, all cores (RowWriteCycles x rows)

	SyncMemBytes  int64 `json:"sync_mem_bytes"`  // sequence registers of every core, all kinds
	SeqRegs       int   `json:"seq_regs"`        // registers, all cores (a core without one counts the paper's one)
	OwnerRegs     int   `json:"owner_regs"`      // of which ownership registers (the paper's kind)
	ChainRegs     int   `json:"chain_regs"`      // of which chain registers of cyclic groups' last writers
	DepRegs       int   `json:"dep_regs"`        // of which dependency registers (inputs, folded rounds)
	MaxSeqRegs    int   `json:"max_seq_regs"`    // most registers of one core
	PumaAttrBytes int64 `json:"puma_attr_bytes"` // PUMA-style attribute buffer for the shared data (sim.PumaAttrBytes)
	SharedBytes   int64 `json:"shared_bytes"`    // shared memory used: feature maps and partial sums, every image slot

	// Energy and area of the run (package cim/energy, priced with
	// Config.Sim.Tech), as in sim.Result: the classes add up to EnergyPJ;
	// reprogramming (crossbar cell writes) counts in EnergyXbarPJ.
	Ops            int64   `json:"ops"`               // operations: 2 per multiply-accumulate of the crossbar layers, all images
	EnergyPJ       float64 `json:"energy_pj"`         // energy of the run, all images
	EnergyXbarPJ   float64 `json:"energy_xbar_pj"`    // crossbar reads and writes, DACs, samples
	EnergyADCPJ    float64 `json:"energy_adc_pj"`     // ADC conversions
	EnergyDigitPJ  float64 `json:"energy_digital_pj"` // shift-and-adds, registers, MOVs and VOPs (digital layers)
	EnergyMemPJ    float64 `json:"energy_mem_pj"`     // shared-memory reads and writes
	EnergyBusPJ    float64 `json:"energy_bus_pj"`     // bus transfers of LOADs and STOREs
	EnergySyncPJ   float64 `json:"energy_sync_pj"`    // CALLs, sequence-register writes, WAIT checks, the registers' leakage
	EnergyStaticPJ float64 `json:"energy_static_pj"`  // leakage of everything else for the run's time
	AreaMM2        float64 `json:"area_mm2"`          // the chip: cores used, shared memory, sequence registers, bus
	SyncAreaMM2    float64 `json:"sync_area_mm2"`     // of which sequence registers (every register of every kind)
	PumaSyncPJ     float64 `json:"puma_sync_pj"`      // a PUMA attribute buffer instead of EnergySyncPJ
	PumaAreaMM2    float64 `json:"puma_area_mm2"`     // area of that attribute buffer
	TOPSPerW       float64 `json:"tops_per_w"`        // Ops / EnergyPJ
	TOPSPerMM2     float64 `json:"tops_per_mm2"`      // Ops per second of the run / AreaMM2, in tera
}

// LayerResult is the record of one layer in a whole-network run (the
// first image). Aliases (in-place concatenations, flattens) are listed
// with no cores and no time.
type LayerResult struct {
	Model   string `json:"model"`   // network name
	Scheme  string `json:"scheme"`  // synchronisation scheme inside layers
	Mode    string `json:"mode"`    // layer or pipelined
	Layer   string `json:"layer"`   // layer name
	Kind    string `json:"kind"`    // conv2d, dense, maxpool, add, digital:Resize, ...
	Role    string `json:"role"`    // crossbar, digital or alias
	Segment int    `json:"segment"` // segment it runs in
	Copies  int    `json:"copies"`  // weight copies (crossbar)
	Rounds  int    `json:"rounds"`  // rounds (folded crossbar layer; 1 when resident)
	Cores   int    `json:"cores"`   // cores it occupies
	Tiles   int    `json:"tiles"`   // tiles of one copy (crossbar)
	PV      int    `json:"pv"`      // cores adding into the same outputs
	Vectors int    `json:"vectors"` // output pixels

	StartCycles    int64   `json:"start_cycles"`     // first instruction after its first WAITs
	EndCycles      int64   `json:"end_cycles"`       // its last core's end
	SpanCycles     int64   `json:"span_cycles"`      // end - start
	CriticalShare  float64 `json:"critical_share"`   // share of the latency on the critical path (see package doc)
	XbarBusy       float64 `json:"xbar_busy"`        // MVM cycles / (cores x span): how busy its crossbars were
	WrittenBytes   int64   `json:"written_bytes"`    // bytes of its output feature map stored, all images
	ReadBytes      int64   `json:"read_bytes"`       // bytes of its output feature map loaded by readers, all images
	ReprogramCycle int64   `json:"reprogram_cycles"` // time any of its cores was reprogrammed for it (0 when resident)

	// The run's configuration, as in Result, so that the layers of several
	// runs can share one table.
	XbarRows    int  `json:"xbar_rows"`    // crossbar rows
	XbarCols    int  `json:"xbar_cols"`    // crossbar columns
	BusBytes    int  `json:"bus_bytes"`    // bus width, bytes per beat
	CoresBudget int  `json:"cores_budget"` // cores the chip offers
	Duplicate   bool `json:"duplicate"`    // bottleneck layers were duplicated
	Images      int  `json:"images"`       // images streamed
}

// Columns returns the column names of a Result, in CSV order.
func Columns() []string { return records.Columns(reflect.TypeFor[Result]()) }

// LayerColumns returns the column names of a LayerResult, in CSV order.
func LayerColumns() []string { return records.Columns(reflect.TypeFor[LayerResult]()) }

// Strings returns the record's values as CSV cells, in Columns order.
func (r *Result) Strings() []string { return records.Cells(reflect.ValueOf(r).Elem()) }

// Strings returns the record's values as CSV cells, in LayerColumns order.
func (r *LayerResult) Strings() []string { return records.Cells(reflect.ValueOf(r).Elem()) }

// WriteCSV writes results with a header row of Columns.
func WriteCSV(w io.Writer, rs []Result) error {
	rows := make([][]string, len(rs))
	for i := range rs {
		rows[i] = rs[i].Strings()
	}
	return records.WriteCSV(w, Columns(), rows)
}

// WriteLayersCSV writes layer results with a header row of LayerColumns.
func WriteLayersCSV(w io.Writer, rs []LayerResult) error {
	rows := make([][]string, len(rs))
	for i := range rs {
		rows[i] = rs[i].Strings()
	}
	return records.WriteCSV(w, LayerColumns(), rows)
}

// WriteJSON writes v (results, layer results, a Run) as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("netsim: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// DataFrame converts results to a gota DataFrame, one column per Columns
// name.
func DataFrame(rs []Result) dataframe.DataFrame {
	rows := make([]reflect.Value, len(rs))
	for i := range rs {
		rows[i] = reflect.ValueOf(&rs[i]).Elem()
	}
	return records.Frame(reflect.TypeFor[Result](), rows)
}

// LayersDataFrame converts layer results to a gota DataFrame, one column
// per LayerColumns name.
func LayersDataFrame(rs []LayerResult) dataframe.DataFrame {
	rows := make([]reflect.Value, len(rs))
	for i := range rs {
		rows[i] = reflect.ValueOf(&rs[i]).Elem()
	}
	return records.Frame(reflect.TypeFor[LayerResult](), rows)
}
