package energy

import "fmt"

// Part is a piece of hardware for a roll-up: N instances of the component
// Name, or N copies of a group of Parts (a core, a tile, a chip).
type Part struct {
	Name  string  // component (of Components or Extra); empty for a group
	N     float64 // instances or copies
	Parts []Part  // the group's parts
}

// Rollup returns the power at full activity (W) and the area (mm²) of p:
// instances times InstancePower and InstanceArea, summed over groups. An
// unknown component is an error naming it.
func (t *Tech) Rollup(p Part) (power, area float64, err error) {
	if p.Name != "" {
		c := t.Component(p.Name)
		if c == nil {
			return 0, 0, fmt.Errorf("tech %s: no component %q", t.Name, p.Name)
		}
		if len(p.Parts) > 0 {
			return 0, 0, fmt.Errorf("tech %s: part %q is a component and a group", t.Name, p.Name)
		}
		return p.N * c.InstancePower(), p.N * c.InstanceArea(), nil
	}
	for _, q := range p.Parts {
		pw, ar, err := t.Rollup(q)
		if err != nil {
			return 0, 0, err
		}
		power += p.N * pw
		area += p.N * ar
	}
	return power, area, nil
}
