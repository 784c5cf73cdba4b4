package arch

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Field describes one JSON field of Arch: what it means, its unit and the
// values Validate accepts. Fields lists every field, so that forms (the
// browser playground's), help texts and checks are generated from the code:
// a field added to Arch and to the fields table appears in them with no
// other change.
//
// A field is a whole number in Min..Max or, when Choices is set, one of
// Choices (a JSON string).
type Field struct {
	Name    string   `json:"name"`              // JSON name, e.g. "mvm_cycles"
	Doc     string   `json:"doc"`               // what the field is, one sentence
	Unit    string   `json:"unit,omitempty"`    // e.g. "cycles", "bytes"; empty for counts
	Min     int64    `json:"min"`               // smallest value accepted (numbers)
	Max     int64    `json:"max"`               // largest value accepted (numbers)
	Choices []string `json:"choices,omitempty"` // values accepted (text fields)
}

// fields is the table behind Fields and Validate, in Arch's field order.
var fields = []Field{
	{Name: "xbar_rows", Doc: "Crossbar rows: the inputs of one MVM.", Unit: "rows", Min: 1, Max: MaxXbar},
	{Name: "xbar_cols", Doc: "Crossbar columns: the outputs of one MVM.", Unit: "columns", Min: 1, Max: MaxXbar},
	{Name: "cores", Doc: "Core budget: the most cores a layer may use.", Unit: "cores", Min: 1, Max: MaxCores},
	{Name: "bus_bytes", Doc: "Bus width: bytes moved per beat.", Unit: "bytes/beat", Min: 1, Max: MaxBus},
	{Name: "clock_mhz", Doc: "Clock of cores and bus, to turn cycles into time.", Unit: "MHz", Min: 1, Max: 1 << 20},
	{Name: "mvm_cycles", Doc: "Latency of one crossbar MVM (bit-serial reads and ADC conversions).", Unit: "cycles", Min: 1, Max: MaxCycles},
	{Name: "bus_overhead_cycles", Doc: "Fixed cost of each bus burst: address phase and write response or read turnaround.", Unit: "cycles", Min: 0, Max: MaxCycles},
	{Name: "burst_beats", Doc: "Most beats in one burst (AXI4 allows 256); longer transfers pay the overhead again.", Unit: "beats", Min: 1, Max: 1 << 16},
	{Name: "digital_cycles", Doc: "Latency of one digital-unit vector op (MOV: add, bias, activation, requantise).", Unit: "cycles", Min: 0, Max: MaxCycles},
	{Name: "digital_lanes", Doc: "Elements a digital-layer op (VOP: pooling, residual add) handles per digital_cycles.", Unit: "elements", Min: 1, Max: MaxXbar},
	{Name: "row_write_cycles", Doc: "Time to program one crossbar row (PROG), when a network runs in segments or a layer is folded.", Unit: "cycles", Min: 0, Max: MaxCycles},
	{Name: "act_bytes", Doc: "Size of one activation element in the input and output feature maps.", Unit: "bytes", Min: 1, Max: 8},
	{Name: "weight_bits", Doc: "Bits per weight, stored in ceil(weight_bits/cell_bits) RRAM cells.", Unit: "bits", Min: 1, Max: 64},
	{Name: "psum_bytes", Doc: "Size of one partial-sum element, loaded and stored by every core but a vector's first writer.", Unit: "bytes", Min: 1, Max: 8},
	{Name: "seq_reg_bytes", Doc: "Size of a core's sequence-number register: the payload of each CALL.", Unit: "bytes", Min: 1, Max: 64},
	{Name: "shared_mem_bytes", Doc: "Shared memory for the feature maps and partial sums of a layer.", Unit: "bytes", Min: 1, Max: 1 << 50},
	{Name: "dac_bits", Doc: "Input bits a DAC applies per crossbar read: an MVM takes ceil(8*act_bytes/dac_bits) reads.", Unit: "bits", Min: 1, Max: 64},
	{Name: "cell_bits", Doc: "Weight bits stored per RRAM cell: a weight takes ceil(weight_bits/cell_bits) cells, each converted by the ADC on every read.", Unit: "bits", Min: 1, Max: 64},
	{Name: "interconnect", Doc: "How cores reach shared memory: shared (one transaction at a time, the core waits) or axi4 (separate read and write channels, outstanding transactions).", Choices: []string{Shared, AXI4}},
	{Name: "axi_outstanding", Doc: "AXI4 only: transactions (LOADs, STOREs, CALLs) a core may have in flight at once.", Unit: "transactions", Min: 1, Max: MaxOutstanding},
	{Name: "axi_latency_cycles", Doc: "AXI4 only: cycles from a read address to its first data beat, and from a write's last data beat to its response.", Unit: "cycles", Min: 0, Max: MaxCycles},
}

// Fields returns a description of every JSON field of Arch, in field order.
func Fields() []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		f.Choices = slices.Clone(f.Choices)
		out[i] = f
	}
	return out
}

// fieldIndex maps JSON names to struct field indices of Arch.
var fieldIndex = sync.OnceValue(func() map[string]int {
	t := reflect.TypeFor[Arch]()
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	return m
})

// check reports whether a's value of field f is one Validate accepts.
func (f *Field) check(a *Arch) error {
	i, ok := fieldIndex()[f.Name]
	if !ok {
		return fmt.Errorf("arch: the fields table names %q, which Arch does not have", f.Name)
	}
	v := reflect.ValueOf(a).Elem().Field(i)
	switch {
	case f.Choices != nil && v.Kind() == reflect.String:
		if !slices.Contains(f.Choices, v.String()) {
			return fmt.Errorf("arch: %s = %q, must be one of %s", f.Name, v.String(), strings.Join(f.Choices, ", "))
		}
	case f.Choices == nil && v.CanInt():
		if n := v.Int(); n < f.Min || n > f.Max {
			return fmt.Errorf("arch: %s = %d, must be in %d..%d", f.Name, n, f.Min, f.Max)
		}
	default:
		return fmt.Errorf("arch: field %s is a Go %s: the fields table checks whole numbers and strings with choices", f.Name, v.Kind())
	}
	return nil
}
