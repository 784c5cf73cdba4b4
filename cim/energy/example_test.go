package energy_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
)

// Price 3136 MVMs of a full 64x64 crossbar on one core: the actions come
// from an executor in practice (cim/sim counts them).
func Example() {
	a := arch.Default()
	one := energy.MVMOf(64, 64, a) // 512 DAC and 2048 ADC conversions
	var x energy.Actions
	for range 3136 {
		x.AddMVM(&one)
	}
	tech := energy.Default()
	chip := energy.Chip{Arch: a, Cores: 1}
	e := tech.Energy(chip, &x, 3136*int64(a.MVMCycles))
	fmt.Printf("%d ADC conversions of %d bits: %.2f uJ of %.2f uJ\n", x.ADCs, energy.ADCBits(a), e.ADC/1e6, e.Total/1e6)
	fmt.Printf("core area %.4f mm² (without its sequence register), %d ADC\n", tech.Area(chip).Core, tech.ADCsPerCore(a))
	// Output:
	// 6422528 ADC conversions of 7 bits: 8.21 uJ of 12.56 uJ
	// core area 0.0054 mm² (without its sequence register), 1 ADC
}

// Roll ISAAC's published component table up to one of its IMAs.
func ExampleTech_Rollup() {
	ima := energy.Part{N: 1, Parts: []energy.Part{
		{Name: "adc", N: 8}, {Name: "dac", N: 1024}, {Name: "sample_hold", N: 1024},
		{Name: "crossbar", N: 8 * 128 * 128}, {Name: "shift_add", N: 4},
		{Name: "input_register", N: 2048}, {Name: "output_register", N: 256},
	}}
	p, area, err := energy.ISAAC().Rollup(ima)
	fmt.Printf("%.2f mW, %.5f mm², %v\n", p*1e3, area, err)
	// Output:
	// 24.08 mW, 0.01312 mm², <nil>
}
