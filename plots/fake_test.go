package plots

import (
	"math"
	"slices"
	"strconv"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/sim"
)

// fakeLayer is an im2col layer shape for synthetic results.
type fakeLayer struct {
	name             string
	rows, cols, vecs int
}

var fakeResNet = []fakeLayer{
	{"conv1", 147, 64, 12544}, {"layer1.0.conv1", 576, 64, 3136}, {"layer1.0.conv2", 576, 64, 3136},
	{"layer2.0.conv1", 576, 128, 784}, {"layer2.0.conv2", 1152, 128, 784}, {"layer2.0.downsample.0", 64, 128, 784},
	{"layer3.0.conv1", 1152, 256, 196}, {"layer3.0.conv2", 2304, 256, 196}, {"layer4.0.conv1", 2304, 512, 49},
	{"layer4.0.conv2", 4608, 512, 49},
}

// fakeRecords returns synthetic results in the layout of the result
// record: one row per layer x crossbar x bus x scheme.
func fakeRecords(model string, layers []fakeLayer, xbars, buses []int, schemes []string) [][]string {
	recs := [][]string{slices.Concat(Columns, sim.EnergyColumns())}
	for _, x := range xbars {
		for _, b := range buses {
			for _, s := range schemes {
				for _, l := range layers {
					recs = append(recs, fakeRow(model, l, x, b, s))
				}
			}
		}
	}
	return recs
}

func fakeRow(model string, l fakeLayer, x, bus int, scheme string) []string {
	pv := (l.rows + x - 1) / x
	ph := (l.cols + x - 1) / x
	cores := pv * ph
	fits := cores <= 1024
	eff := math.Min(1, 0.995*float64(bus)*40/float64(cores+40*bus)+0.3)
	if scheme == "cyclic" {
		eff = math.Min(1, eff*1.002)
	}
	speedup := float64(pv) * eff
	if scheme == "sequential" {
		speedup, eff = 1, 1/float64(pv)
	}
	seq := float64(pv*l.vecs) * 40
	syncB := float64(4 * l.vecs * (pv - 1) * ph)
	total := float64(l.vecs*(l.rows+8*l.cols)) + syncB
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	i := strconv.Itoa
	row := []string{model, l.name, "conv", i(x), i(x), i(bus), "1024", scheme, strconv.FormatBool(fits),
		i(pv), i(ph), i(cores), i(l.vecs), f(math.Round(seq / speedup)), f(seq), f(speedup), i(pv),
		f(float64(pv) * 1.3), f(eff), f(total), f(syncB), f(syncB / total), f(0.4), i(4 * cores),
		i(l.vecs * l.cols * 4 / 8), i(l.vecs * l.rows / 9), i(l.vecs * l.cols), i(4 * l.vecs * l.cols),
		f(float64(l.rows*l.cols) / float64(cores*x*x))}
	return append(row, fakeEnergy(l, cores, fits, math.Round(seq/speedup), total, syncB, bus)...)
}

// fakeEnergy returns the energy columns of a synthetic record: classes that
// add up to energy_pj, a chip area and the efficiencies they imply.
func fakeEnergy(l fakeLayer, cores int, fits bool, cycles, total, syncB float64, bus int) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	ops := 2 * float64(l.rows*l.cols*l.vecs)
	if !fits {
		return []string{f(ops), "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"}
	}
	xbar, adc, dig := ops*0.06, ops*0.35, ops*0.05
	mem, busE := total*0.64, total*4*(1+float64(bus)/16)
	sync, static := syncB*5+10*float64(cores), cycles*float64(cores)*0.3
	e := xbar + adc + dig + mem + busE + sync + static
	area := float64(cores)*0.014 + float64(l.vecs*(l.rows/9+l.cols*5))*1.27e-6
	syncArea, pumaArea := float64(cores)*4*42e-6, float64(l.vecs*(l.rows/9+l.cols*5))/2*1.9e-6
	pumaSync := total*0.6 + cycles*pumaArea*80
	return []string{f(ops), f(e), f(xbar), f(adc), f(dig), f(mem), f(busE), f(sync), f(static), f(area),
		f(syncArea), f(pumaSync), f(pumaArea), f(ops / e), f(ops / (cycles * 1e-9) / 1e12 / area)}
}

// fakeFrame returns the paper-like synthetic sweep as a DataFrame.
func fakeFrame() dataframe.DataFrame {
	recs := fakeRecords("resnet18", fakeResNet, []int{32, 64, 128}, []int{4, 8, 16, 32, 64},
		[]string{"sequential", "linear", "cyclic"})
	return dataframe.LoadRecords(recs)
}

// fakeInterconnects returns fakeFrame's sweep on the shared bus and on
// AXI4 (where every efficiency is 30% higher, at most 1), with an
// interconnect column.
func fakeInterconnects() dataframe.DataFrame {
	var out [][]string
	for k, ic := range []string{"shared", "axi4"} {
		recs := fakeRecords("resnet18", fakeResNet, []int{32, 64, 128}, []int{4, 8, 16, 32, 64},
			[]string{"sequential", "linear", "cyclic"})
		eff := slices.Index(recs[0], "efficiency")
		for i, rec := range recs {
			if i == 0 {
				if k == 0 {
					out = append(out, append(rec, "interconnect"))
				}
				continue
			}
			if ic == "axi4" {
				e, _ := strconv.ParseFloat(rec[eff], 64)
				rec[eff] = strconv.FormatFloat(math.Min(1, 1.3*e), 'g', -1, 64)
			}
			out = append(out, append(rec, ic))
		}
	}
	return dataframe.LoadRecords(out)
}

// fakeTrace returns a small pipelined trace: cores run MVMs, move data on
// a shared bus and wait for ownership.
func fakeTrace(cores, vectors int) []Span {
	var spans []Span
	bus := 0.0
	for v := 0; v < vectors; v++ {
		for c := 0; c < cores; c++ {
			t := float64(v*30 + c*12)
			spans = append(spans, Span{c, t, t + 10, MVM})
			start := math.Max(t+10, bus)
			if start > t+10 {
				spans = append(spans, Span{c, t + 10, start, WaitBus})
			}
			spans = append(spans, Span{c, start, start + 6, Transfer})
			bus = start + 6
			spans = append(spans, Span{c, start + 6, start + 9, WaitOwner})
		}
	}
	return spans
}

// fakeProgTrace is a trace CSV (as "cimkit sim --trace" writes them) of
// three cores at the start of a whole network's second segment: each loads
// its weights over the bus, writes its crossbar's rows (prog), waits for
// its input and runs two MVMs with their loads, stores and calls.
const fakeProgTrace = `core,start,end,class
0,0,10,load
1,0,10,bus_wait
2,0,20,bus_wait
1,10,20,load
2,20,30,load
0,10,90,prog
1,20,100,prog
2,30,110,prog
0,10,90,wait
1,20,100,wait
2,30,120,wait
0,90,150,mvm
0,150,158,store
0,158,161,call
0,161,170,wait
0,170,230,mvm
1,100,160,mvm
1,160,168,load
1,168,176,store
1,176,200,mov
2,120,180,mvm
2,180,190,bus_wait
2,190,198,store
2,198,201,call
`
