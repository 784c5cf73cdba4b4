package energy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
)

// Tech is a technology file: the energy per action, leakage and area of
// every component of the chip, each with its source. Load reads one from
// JSON; Default and ISAAC return the two files cimkit ships (tech/*.json).
type Tech struct {
	Name        string                `json:"name"`        // short name, e.g. "cimkit-default-32nm"
	Description string                `json:"description"` // what the file is and where its values come from
	Components  map[string]*Component `json:"components"`  // the model's components: every one of Components() is needed
	// Extra are components outside cimkit's model (ISAAC's router, its
	// HyperTransport links, ...), for roll-ups of published chips.
	Extra map[string]*Component `json:"extra,omitempty"`
}

// Component is one kind of hardware block. DimPower, leakage and area are
// for Count instances (a published table's group totals: "8 ADCs, 16 mW");
// energies are per action of one instance. What one instance and one action
// are depends on the component (see Components).
type Component struct {
	Source string  `json:"source"`          // where the values come from, and the arithmetic
	Count  float64 `json:"count,omitempty"` // instances DimPower, Leakage and Area cover (default 1)

	Energy       Quantity `json:"energy,omitzero"`        // dynamic energy of one action of one instance
	Power        Quantity `json:"power,omitzero"`         // dynamic power of Count instances at full activity
	Rate         Quantity `json:"rate,omitzero"`          // actions per second of one instance at full activity
	AccessEnergy Quantity `json:"access_energy,omitzero"` // per access or transaction (memories, bus, WAIT checks)
	WriteEnergy  Quantity `json:"write_energy,omitzero"`  // crossbar: programming one cell
	Leakage      Quantity `json:"leakage,omitzero"`       // static power of Count instances
	Area         Quantity `json:"area,omitzero"`          // area of Count instances
	Length       Quantity `json:"length,omitzero"`        // bus: length of one wire the values are for (default 1 mm)

	Bits        int          `json:"bits,omitempty"`        // ADC: resolution of this entry
	Resolutions []Resolution `json:"resolutions,omitempty"` // ADC: one instance at each resolution
}

// Resolution is an ADC at one resolution: one instance's energy per
// conversion, leakage and area.
type Resolution struct {
	Bits    int      `json:"bits"`
	Energy  Quantity `json:"energy,omitzero"`
	Leakage Quantity `json:"leakage,omitzero"`
	Area    Quantity `json:"area,omitzero"`
}

// Role says what one instance and one action of a model component are.
type Role struct {
	Name     string // JSON key under "components"
	Instance string // what one instance is
	Action   string // what Energy (and AccessEnergy, WriteEnergy) price
}

// roles are the components of cimkit's model, in the order of a core's
// data path.
var roles = []Role{
	{"crossbar", "one RRAM cell", "energy: one cell read (one input slice); write_energy: programming one cell"},
	{"dac", "one DAC (one per crossbar row)", "one conversion"},
	{"adc", "one ADC (rate: conversions per second)", "one conversion"},
	{"sample_hold", "one sample-and-hold (one per physical column)", "one sample"},
	{"shift_add", "one shift-and-add unit (one per ADC)", "one shift-and-add of a conversion"},
	{"input_register", "one byte", "one byte written or read"},
	{"output_register", "one byte", "one byte written or read"},
	{"digital_unit", "one lane, one element per cycle (DigitalLanes per core)", "one element operation"},
	{"sequence_register", "one byte", "energy: one byte written by a CALL; access_energy: one WAIT check"},
	{"shared_memory", "one byte", "energy: one byte read or written; access_energy: one access"},
	{"bus", "one wire as long as length", "energy: one bit over length; access_energy: one arbitration"},
	{"attribute_buffer", "one byte (one PUMA attribute)", "one attribute access (read and rewrite)"},
}

// Components describes the components a technology file must give, in
// order.
func Components() []Role { return append([]Role(nil), roles...) }

// MaxTechBytes is the most of a technology file Load reads.
const MaxTechBytes = 1 << 20

// Load reads a technology file (JSON) and checks it: unknown fields,
// missing components or values, quantities without a unit or with the unit
// of another dimension, and negative or non-finite values are errors that
// name the component and field.
func Load(r io.Reader) (*Tech, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxTechBytes+1))
	if err != nil {
		return nil, fmt.Errorf("tech: reading JSON: %w", err)
	}
	if len(data) > MaxTechBytes {
		return nil, fmt.Errorf("tech: file larger than %d bytes", MaxTechBytes)
	}
	var raw struct {
		Name        string                     `json:"name"`
		Description string                     `json:"description"`
		Components  map[string]json.RawMessage `json:"components"`
		Extra       map[string]json.RawMessage `json:"extra"`
	}
	if err := strict(data, &raw); err != nil {
		return nil, fmt.Errorf("tech: malformed JSON: %w", err)
	}
	t := &Tech{Name: raw.Name, Description: raw.Description}
	if t.Components, err = decodeAll("components", raw.Components); err != nil {
		return nil, err
	}
	if t.Extra, err = decodeAll("extra", raw.Extra); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// strict decodes one JSON value into v, refusing unknown fields and
// anything after the value.
func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}

// decodeAll decodes the components of one section, naming the one that
// fails.
func decodeAll(section string, raw map[string]json.RawMessage) (map[string]*Component, error) {
	if raw == nil {
		return nil, nil
	}
	out := make(map[string]*Component, len(raw))
	for name, msg := range raw {
		c := new(Component)
		if err := strict(msg, c); err != nil {
			return nil, fmt.Errorf("tech: %s.%s: %v", section, name, err)
		}
		out[name] = c
	}
	return out, nil
}

// Validate checks every component (see Load) and fills in the values of
// its quantities.
func (t *Tech) Validate() error {
	if t == nil {
		return fmt.Errorf("tech: no technology")
	}
	known := map[string]bool{}
	var missing []string
	for _, r := range roles {
		known[r.Name] = true
		if t.Components[r.Name] == nil {
			missing = append(missing, r.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("tech: missing components %s (a technology file gives every one of %s)",
			strings.Join(missing, ", "), strings.Join(roleNames(), ", "))
	}
	for _, name := range sortedKeys(t.Components) {
		if !known[name] {
			return fmt.Errorf("tech: components.%s: not a component of cimkit's model (%s); put others under \"extra\"",
				name, strings.Join(roleNames(), ", "))
		}
		if err := t.Components[name].check(name); err != nil {
			return fmt.Errorf("tech: components.%s: %w", name, err)
		}
	}
	for _, name := range sortedKeys(t.Extra) {
		if err := t.Extra[name].check(""); err != nil {
			return fmt.Errorf("tech: extra.%s: %w", name, err)
		}
	}
	return nil
}

func roleNames() []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = r.Name
	}
	return out
}

func sortedKeys(m map[string]*Component) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// check parses and checks a component of role name ("" for an extra one).
func (c *Component) check(name string) error {
	if c == nil {
		return fmt.Errorf("null: want an object")
	}
	if strings.TrimSpace(c.Source) == "" {
		return fmt.Errorf("no source: every value needs one")
	}
	if c.Count == 0 {
		c.Count = 1
	}
	if math.IsNaN(c.Count) || math.IsInf(c.Count, 0) || c.Count < 0 {
		return fmt.Errorf("count %g: want a positive number of instances", c.Count)
	}
	for _, f := range []struct {
		field string
		q     *Quantity
		dim   Dim
	}{
		{"energy", &c.Energy, DimEnergy}, {"power", &c.Power, DimPower}, {"rate", &c.Rate, DimFrequency},
		{"access_energy", &c.AccessEnergy, DimEnergy}, {"write_energy", &c.WriteEnergy, DimEnergy},
		{"leakage", &c.Leakage, DimPower}, {"area", &c.Area, DimArea}, {"length", &c.Length, DimLength},
	} {
		if err := f.q.parse(f.dim); err != nil {
			return fmt.Errorf("%s: %v", f.field, err)
		}
	}
	switch {
	case !c.Area.IsSet():
		return fmt.Errorf("no area (e.g. \"area\": \"1200 um2\")")
	case !c.Leakage.IsSet():
		return fmt.Errorf("no leakage (write \"leakage\": \"0 W\" when the source gives none)")
	case name != "" && !c.Energy.IsSet() && !(c.Power.IsSet() && c.Rate.IsSet()):
		return fmt.Errorf("no energy per action: give energy, or power with the rate at which it is drawn")
	case name == "" && !c.Power.IsSet() && !(c.Energy.IsSet() && c.Rate.IsSet()):
		return fmt.Errorf("no power: give power, or energy with a rate")
	case c.Rate.IsSet() && c.Rate.Value == 0:
		return fmt.Errorf("rate %q: want a positive rate", c.Rate.Text)
	case c.Length.IsSet() && c.Length.Value == 0:
		return fmt.Errorf("length %q: want a positive length", c.Length.Text)
	case name == "crossbar" && !c.WriteEnergy.IsSet():
		return fmt.Errorf("no write_energy: the energy to program one cell")
	case name == "adc" && !c.Rate.IsSet():
		return fmt.Errorf("no rate: the conversions per second of one ADC (sets the ADCs per core)")
	case c.Bits < 0:
		return fmt.Errorf("bits %d: want a resolution of at least 1 bit", c.Bits)
	}
	if len(c.Resolutions) > 0 && name != "adc" {
		return fmt.Errorf("resolutions: only the adc has them")
	}
	for i := range c.Resolutions {
		if err := c.Resolutions[i].check(); err != nil {
			return fmt.Errorf("resolutions[%d]: %v", i, err)
		}
	}
	return nil
}

// check parses and checks one ADC resolution.
func (r *Resolution) check() error {
	if r.Bits < 1 || r.Bits > 64 {
		return fmt.Errorf("bits %d: want 1..64", r.Bits)
	}
	for _, f := range []struct {
		field string
		q     *Quantity
		dim   Dim
	}{{"energy", &r.Energy, DimEnergy}, {"leakage", &r.Leakage, DimPower}, {"area", &r.Area, DimArea}} {
		if !f.q.IsSet() {
			return fmt.Errorf("%d bits: no %s", r.Bits, f.field)
		}
		if err := f.q.parse(f.dim); err != nil {
			return fmt.Errorf("%d bits: %s: %v", r.Bits, f.field, err)
		}
	}
	return nil
}

// ActionEnergy is the dynamic energy of one action of one instance in pJ:
// DimEnergy, or Power / Count / Rate.
func (c *Component) ActionEnergy() float64 {
	if c.Energy.IsSet() {
		return c.Energy.Value
	}
	return c.Power.Value / c.Count / c.Rate.Value * 1e12
}

// InstanceLeakage is one instance's static power in W.
func (c *Component) InstanceLeakage() float64 { return c.Leakage.Value / c.Count }

// InstanceArea is one instance's area in mm².
func (c *Component) InstanceArea() float64 { return c.Area.Value / c.Count }

// InstancePower is one instance's power at full activity in W: Power /
// Count (or Energy x Rate) plus its leakage.
func (c *Component) InstancePower() float64 {
	p := c.Power.Value / c.Count
	if !c.Power.IsSet() {
		p = c.Energy.Value * 1e-12 * c.Rate.Value
	}
	return p + c.InstanceLeakage()
}

// Component returns the component called name, from Components or Extra
// (nil if there is none).
func (t *Tech) Component(name string) *Component {
	if c := t.Components[name]; c != nil {
		return c
	}
	return t.Extra[name]
}

var (
	//go:embed tech/default.json
	defaultJSON []byte
	//go:embed tech/isaac.json
	isaacJSON []byte

	defaultTech = sync.OnceValue(func() *Tech { return mustLoad("default.json", defaultJSON) })
	isaacTech   = sync.OnceValue(func() *Tech { return mustLoad("isaac.json", isaacJSON) })
)

func mustLoad(name string, data []byte) *Tech {
	t, err := Load(bytes.NewReader(data))
	if err != nil {
		panic(fmt.Sprintf("energy: the shipped %s does not load: %v", name, err)) // a test loads both
	}
	return t
}

// Default returns cimkit's default technology (tech/default.json): 32 nm
// values from ISAAC and the PUMA simulator, per instance, each with its
// source. Callers must not change it.
func Default() *Tech { return defaultTech() }

// ISAAC returns ISAAC-CE's published component table (tech/isaac.json:
// Table I of Shafiee et al., ISCA 2016, as printed, with the energies per
// action derived from ISAAC's rates). Callers must not change it.
func ISAAC() *Tech { return isaacTech() }
