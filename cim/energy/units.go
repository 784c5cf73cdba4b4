package energy

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Dim is the physical dimension of a Quantity.
type Dim uint8

// The dimensions a technology file uses.
const (
	NoDim        Dim = iota
	DimEnergy        // stored in pJ
	DimPower         // stored in W
	DimArea          // stored in mm²
	DimFrequency     // stored in Hz (also samples or actions per second)
	DimLength        // stored in mm
)

var dimNames = [...]string{NoDim: "quantity", DimEnergy: "energy", DimPower: "power", DimArea: "area", DimFrequency: "frequency", DimLength: "length"}

// String is the dimension's name ("energy", "power", ...).
func (d Dim) String() string {
	if int(d) < len(dimNames) {
		return dimNames[d]
	}
	return fmt.Sprintf("Dim(%d)", uint8(d))
}

// article is the dimension's name with its indefinite article ("an area").
func (d Dim) article() string {
	if d == DimArea || d == DimEnergy {
		return "an " + d.String()
	}
	return "a " + d.String()
}

// unit is one accepted unit: its dimension and its factor to the stored
// unit of that dimension.
type unit struct {
	dim    Dim
	factor float64
}

var units = map[string]unit{
	"fJ": {DimEnergy, 1e-3}, "pJ": {DimEnergy, 1}, "nJ": {DimEnergy, 1e3}, "uJ": {DimEnergy, 1e6}, "µJ": {DimEnergy, 1e6},
	"mJ": {DimEnergy, 1e9}, "J": {DimEnergy, 1e12},
	"pW": {DimPower, 1e-12}, "nW": {DimPower, 1e-9}, "uW": {DimPower, 1e-6}, "µW": {DimPower, 1e-6}, "mW": {DimPower, 1e-3}, "W": {DimPower, 1},
	"nm2": {DimArea, 1e-12}, "um2": {DimArea, 1e-6}, "µm2": {DimArea, 1e-6}, "mm2": {DimArea, 1},
	"Hz": {DimFrequency, 1}, "kHz": {DimFrequency, 1e3}, "MHz": {DimFrequency, 1e6}, "GHz": {DimFrequency, 1e9},
	"S/s": {DimFrequency, 1}, "kS/s": {DimFrequency, 1e3}, "MS/s": {DimFrequency, 1e6}, "GS/s": {DimFrequency, 1e9},
	"nm": {DimLength, 1e-6}, "um": {DimLength, 1e-3}, "µm": {DimLength, 1e-3}, "mm": {DimLength, 1},
}

// unitsOf lists the units of dimension d, for error messages.
func unitsOf(d Dim) string {
	var out []string
	for name, u := range units {
		if u.dim == d {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return units[out[i]].factor < units[out[j]].factor || units[out[i]].factor == units[out[j]].factor && out[i] < out[j]
	})
	return strings.Join(out, ", ")
}

// Quantity is a physical value with its unit, written in a technology file
// as a JSON string "16 mW", "0.0096 mm2", "1.28 GS/s". Value is in the
// stored unit of its dimension: pJ, W, mm², Hz or mm.
type Quantity struct {
	Value float64
	Dim   Dim
	Text  string // as written
}

// IsSet reports whether the quantity was given.
func (q Quantity) IsSet() bool { return q.Text != "" }

// String is the quantity as written.
func (q Quantity) String() string { return q.Text }

// ParseQuantity reads "NUMBER UNIT" (the space may be left out): a finite,
// non-negative number and one of the units of energy (fJ, pJ, nJ, uJ, mJ,
// J), power (pW, nW, uW, mW, W), area (nm2, um2, mm2), frequency (Hz, kHz,
// MHz, GHz, and S/s, kS/s, MS/s, GS/s) or length (nm, um, mm).
func ParseQuantity(s string) (Quantity, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E')
	})
	if i < 0 {
		return Quantity{}, fmt.Errorf("%q has no unit (write e.g. \"1.5 pJ\" or \"16 mW\")", s)
	}
	num, name := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i:])
	u, ok := units[name]
	if !ok {
		return Quantity{}, fmt.Errorf("%q: unknown unit %q (energy: fJ..J, power: pW..W, area: nm2, um2, mm2, frequency: Hz..GHz or S/s..GS/s, length: nm, um, mm)", s, name)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return Quantity{}, fmt.Errorf("%q: %q is not a number", s, num)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Quantity{}, fmt.Errorf("%q is not finite", s)
	}
	if v < 0 {
		return Quantity{}, fmt.Errorf("%q is negative", s)
	}
	return Quantity{Value: v * u.factor, Dim: u.dim, Text: t}, nil
}

// UnmarshalJSON keeps the JSON string; Tech.Validate parses it (see
// ParseQuantity), so that its errors can name the field.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a string with a unit such as \"1.5 pJ\", got %.40s", b)
	}
	*q = Quantity{Text: s}
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty quantity: want a number with a unit such as \"1.5 pJ\"")
	}
	return nil
}

// parse fills in Value and Dim from Text and checks the dimension d.
func (q *Quantity) parse(d Dim) error {
	if !q.IsSet() {
		return nil
	}
	v, err := ParseQuantity(q.Text)
	if err != nil {
		return err
	}
	if v.Dim != d {
		return fmt.Errorf("%q is %s, want %s (%s)", q.Text, v.Dim.article(), d.article(), unitsOf(d))
	}
	*q = v
	return nil
}

// MarshalJSON writes the quantity as written.
func (q Quantity) MarshalJSON() ([]byte, error) { return json.Marshal(q.Text) }
