package playground

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/sim"
)

// Param is one setting of the chip or the simulator beyond the page's main
// form (model, input, crossbar, bus width, core budget, scheme): every JSON
// field of cim/arch (from arch.Fields, so that a field added there appears
// on the page with no other change) and the simulator's options. A request
// carries the ones the user changed in Request.Params, as text by name.
type Param struct {
	Name    string   `json:"name"`              // JSON name in cim/arch, or a simulator option
	Group   string   `json:"group"`             // "chip" (cim/arch) or "simulator" (sim.Options)
	Doc     string   `json:"doc"`               // one sentence
	Unit    string   `json:"unit,omitempty"`    // e.g. "cycles"
	Min     int64    `json:"min"`               // range of a number
	Max     int64    `json:"max"`               // range of a number
	Choices []string `json:"choices,omitempty"` // the values of a text setting
	Default string   `json:"default"`           // the value when not given
}

// mainFields are the arch fields the main form sets (Request.Xbar, Bus,
// Cores): they are not Params.
var mainFields = []string{"xbar_rows", "xbar_cols", "cores", "bus_bytes"}

// The simulator options, as Params.
const (
	paramArbiter     = "arbiter"
	paramBlockingMVM = "blocking_mvm"
)

// Params lists every Param: the chip's fields in cim/arch order, then the
// simulator's options.
func Params() []Param {
	defaults := archValues(arch.Default())
	var out []Param
	for _, f := range arch.Fields() {
		if slices.Contains(mainFields, f.Name) {
			continue
		}
		out = append(out, Param{Name: f.Name, Group: "chip", Doc: f.Doc, Unit: f.Unit, Min: f.Min, Max: f.Max,
			Choices: f.Choices, Default: defaults[f.Name]})
	}
	return append(out,
		Param{Name: paramArbiter, Group: "simulator", Choices: []string{sim.Oldest.String(), sim.RoundRobin.String()},
			Default: sim.Oldest.String(),
			Doc:     "Bus arbitration: oldest request first (ties round-robin), or plain round-robin; the sim command's --arbiter."},
		Param{Name: paramBlockingMVM, Group: "simulator", Choices: []string{"no", "yes"}, Default: "no",
			Doc: "Whether a core waits for its own MVM before its next instruction (no: the MVM overlaps the WAIT and partial-sum LOAD after it); the sim command's --blocking-mvm."},
	)
}

// archValues returns every JSON field of a as text.
func archValues(a arch.Arch) map[string]string {
	b, _ := json.Marshal(a)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // 67108864, not 6.7108864e+07
	_ = dec.Decode(&m)
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// paramField is the id of a Param's form field on the page.
func paramField(name string) string { return "param-" + name }

// applyParams checks the request's Params and sets them on c's chip and
// simulator options. Errors name the parameter's form field.
func applyParams(c *config, params map[string]string) error {
	byName := map[string]Param{}
	for _, p := range Params() {
		byName[p.Name] = p
	}
	set := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		p, ok := byName[name]
		if !ok {
			return fieldErr("params", "unknown chip or simulator parameter %q (known: %s)", name, strings.Join(slices.Sorted(maps.Keys(byName)), ", "))
		}
		text := strings.TrimSpace(params[name])
		if p.Choices != nil {
			if !slices.Contains(p.Choices, text) {
				return fieldErr(paramField(name), "%s must be one of %s", name, strings.Join(p.Choices, ", "))
			}
		} else {
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil || n < p.Min || n > p.Max {
				unit := ""
				if p.Unit != "" {
					unit = " (" + p.Unit + ")"
				}
				return fieldErr(paramField(name), "%s must be a whole number in %d..%d%s", name, p.Min, p.Max, unit)
			}
		}
		switch p.Group {
		case "chip":
			if p.Choices != nil {
				set[name] = text
			} else {
				set[name], _ = strconv.ParseInt(text, 10, 64)
			}
		case "simulator":
			setOption(&c.opt, name, text)
		}
	}
	if len(set) == 0 {
		return nil
	}
	b, _ := json.Marshal(set)
	if err := json.Unmarshal(b, &c.arch); err != nil {
		return fmt.Errorf("chip parameters: %v", err)
	}
	return nil
}

// setOption sets a simulator option from its checked text.
func setOption(o *sim.Options, name, text string) {
	switch name {
	case paramArbiter:
		o.Arbiter, _ = sim.ParseArbiter(text)
	case paramBlockingMVM:
		o.BlockingMVM = text == "yes"
	}
}

// changedParams returns the Params of c whose values differ from the
// defaults, as text by name (nil when none does).
func changedParams(c *config) map[string]string {
	values := archValues(c.arch)
	values[paramArbiter] = c.opt.Arbiter.String()
	values[paramBlockingMVM] = yesNo(c.opt.BlockingMVM)
	var out map[string]string
	for _, p := range Params() {
		if v := values[p.Name]; v != p.Default {
			if out == nil {
				out = map[string]string{}
			}
			out[p.Name] = v
		}
	}
	return out
}

// yesNo writes a boolean option as its Param does.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
