package energy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestShippedFilesLoad(t *testing.T) {
	for name, f := range map[string]func() *Tech{"default": Default, "isaac": ISAAC} {
		tc := f()
		if len(tc.Components) != len(roles) || tc.Name == "" || tc.Description == "" {
			t.Errorf("%s: %d components, name %q", name, len(tc.Components), tc.Name)
		}
		for n, c := range tc.Components {
			if len(c.Source) < 20 {
				t.Errorf("%s: component %s has no real source: %q", name, n, c.Source)
			}
		}
	}
}

func TestParseQuantity(t *testing.T) {
	for s, want := range map[string]struct {
		v float64
		d Dim
	}{
		"16 mW": {0.016, DimPower}, "0.0096 mm2": {0.0096, DimArea}, "1200 um2": {0.0012, DimArea},
		"1.28 GS/s": {1.28e9, DimFrequency}, "10 MHz": {1e7, DimFrequency}, "1.5pJ": {1.5, DimEnergy},
		"2 fJ": {0.002, DimEnergy}, "1e-3 nJ": {1, DimEnergy}, "0.61 mm": {0.61, DimLength}, "0 W": {0, DimPower},
	} {
		q, err := ParseQuantity(s)
		if err != nil || q.Dim != want.d || rel(q.Value, want.v) > 1e-12 && q.Value != want.v {
			t.Errorf("ParseQuantity(%q) = %v %v, %v; want %v %v", s, q.Value, q.Dim, err, want.v, want.d)
		}
	}
	for _, s := range []string{"16", "mW", "-1 pJ", "1 kg", "NaN pJ", "Inf mW", "1e400 pJ", "1..2 pJ", ""} {
		if _, err := ParseQuantity(s); err == nil {
			t.Errorf("ParseQuantity(%q) accepted", s)
		}
	}
}

// edited returns the default file with one component's field changed
// (value nil deletes the field; component "" edits the top level).
func edited(t *testing.T, component, field string, value any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(defaultJSON, &m); err != nil {
		t.Fatal(err)
	}
	obj := m
	if component != "" {
		obj = m["components"].(map[string]any)[component].(map[string]any)
	}
	if value == nil {
		delete(obj, field)
	} else {
		obj[field] = value
	}
	b, _ := json.Marshal(m)
	return b
}

// withRouter is the default file with a router among the model's
// components (it belongs under "extra").
func withRouter(t *testing.T) []byte {
	var m map[string]any
	json.Unmarshal(defaultJSON, &m)
	m["components"].(map[string]any)["router"] = map[string]any{"source": "x", "power": "1 mW", "leakage": "0 W", "area": "1 mm2"}
	b, _ := json.Marshal(m)
	return b
}

// TestBadTechFiles: every kind of bad file is refused with a message naming
// what is wrong and where.
func TestBadTechFiles(t *testing.T) {
	noADC := func() []byte {
		var m map[string]any
		json.Unmarshal(defaultJSON, &m)
		delete(m["components"].(map[string]any), "adc")
		delete(m["components"].(map[string]any), "bus")
		b, _ := json.Marshal(m)
		return b
	}
	for _, c := range []struct {
		name string
		file []byte
		want []string
	}{
		{"negative energy", edited(t, "dac", "energy", "-0.35 pJ"), []string{"components.dac", "energy", "negative"}},
		{"wrong unit", edited(t, "adc", "leakage", "0.2 mm2"), []string{"components.adc", "leakage", "is an area, want a power"}},
		{"no unit", edited(t, "crossbar", "area", "0.0015"), []string{"components.crossbar", "area", "no unit"}},
		{"number, not a string", edited(t, "bus", "energy", 120.1), []string{"components.bus", "want a string with a unit"}},
		{"unknown unit", edited(t, "bus", "length", "3 furlongs"), []string{"components.bus", "length", "unknown unit"}},
		{"unknown field", edited(t, "dac", "energy_per_bit", "1 pJ"), []string{"components.dac", "unknown field", "energy_per_bit"}},
		{"unknown top-level field", edited(t, "", "node_nm", 32), []string{"unknown field", "node_nm"}},
		{"missing components", noADC(), []string{"missing components adc, bus"}},
		{"missing area", edited(t, "shift_add", "area", nil), []string{"components.shift_add", "no area"}},
		{"missing leakage", edited(t, "dac", "leakage", nil), []string{"components.dac", "no leakage"}},
		{"missing energy", edited(t, "dac", "energy", nil), []string{"components.dac", "no energy per action"}},
		{"missing source", edited(t, "dac", "source", ""), []string{"components.dac", "no source"}},
		{"no write energy", edited(t, "crossbar", "write_energy", nil), []string{"components.crossbar", "write_energy"}},
		{"no ADC rate", edited(t, "adc", "rate", nil), []string{"components.adc", "no rate"}},
		{"negative count", edited(t, "dac", "count", -8), []string{"components.dac", "count -8"}},
		{"bad resolution", edited(t, "adc", "resolutions", []any{map[string]any{"bits": 6, "energy": "1 pJ", "area": "1 um2"}}), []string{"resolutions[0]", "no leakage"}},
		{"only an extra component", edited(t, "", "components", map[string]any{"router": map[string]any{}}), []string{"missing components crossbar"}},
		{"not a model component", withRouter(t), []string{"components.router", "not a component of cimkit's model", "extra"}},
		{"malformed", []byte(`{"name": "x",`), []string{"malformed JSON"}},
		{"two objects", append(append([]byte{}, defaultJSON...), []byte(`{}`)...), []string{"more than one"}},
	} {
		_, err := Load(bytes.NewReader(c.file))
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
}

// FuzzLoad: no input makes Load panic or accept a file whose values are
// not finite and non-negative.
func FuzzLoad(f *testing.F) {
	f.Add(defaultJSON)
	f.Add(isaacJSON)
	f.Add([]byte(`{"components": {"adc": {"source": "x", "energy": "1 pJ"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tc, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, c := range tc.Components {
			for _, v := range []float64{c.ActionEnergy(), c.InstanceLeakage(), c.InstanceArea()} {
				if v < 0 || v != v || v > 1e300 {
					t.Fatalf("accepted a value %v", v)
				}
			}
		}
	})
}

// TestMarshalRoundTrip: a technology written as JSON loads back the same.
func TestMarshalRoundTrip(t *testing.T) {
	for _, tc := range []*Tech{Default(), ISAAC()} {
		b, err := json.Marshal(tc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", tc.Name, err)
		}
		for name, c := range tc.Components {
			if d := back.Components[name]; d.ActionEnergy() != c.ActionEnergy() || d.InstanceArea() != c.InstanceArea() {
				t.Errorf("%s %s: %v %v, back %v %v", tc.Name, name, c.ActionEnergy(), c.InstanceArea(), d.ActionEnergy(), d.InstanceArea())
			}
		}
	}
}
