package netsim

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/cim/zoo"
)

// tiny is a chip with round numbers: MVM 10 cycles, MOV and VOP 1 cycle
// (up to 64 elements), a 4-byte shared bus without overhead (a transfer of
// up to 4 bytes takes 1 cycle), crossbar rows written in 20 cycles.
func tiny(rows, cols, cores int) arch.Arch {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = rows, cols, cores
	a.MVMCycles, a.DigitalCycles, a.BusBytes, a.BusOverheadCycles, a.RowWriteCycles = 10, 1, 4, 0, 20
	a.Interconnect = arch.Shared
	return a
}

// conv3 is a 3x3 convolution with padding 1 and the given filters.
func conv3(name string, filters int, from ...string) *nn.Layer {
	return &nn.Layer{Name: name, Kind: nn.Conv2D, Filters: filters, KernelH: 3, KernelW: 3,
		PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Inputs: from}
}

func network(t *testing.T, name string, in nn.Shape, layers ...*nn.Layer) *nn.Network {
	t.Helper()
	net := &nn.Network{Name: name, Input: in, Layers: layers}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	return net
}

func run(t *testing.T, net *nn.Network, a arch.Arch, mode netprog.Mode, segments bool) *Run {
	t.Helper()
	r, err := Simulate(net, Config{Arch: a, Scheme: compile.Linear, Mode: mode, Images: 1, Segments: segments})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// layerTimes returns start and end of each named layer.
func layerTimes(r *Run) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, l := range r.Layers {
		out[l.Layer] = [2]int64{l.StartCycles, l.EndCycles}
	}
	return out
}

// TestTwoLayerChainByHand: a 3x3 conv into a 3x3 conv, one channel, on a
// 3x1 image (three pixels, one per row), each conv on one core of 16x16
// (PV = 1), tiny chip. Per pixel a core fills its 9 input rows from the
// padded 3x3 window: runs of padding are one MOV zero, each input pixel a
// 1-byte LOAD (1 cycle); then MVM (10), MOV bias, MOV act (waiting for the
// MVM), STORE (1 byte, 1 cycle), and after each row a CALL to its reader
// (1 cycle). Pixel 0 and 2 read two input pixels (rows 0-1, 1-2), pixel 1
// three.
//
// Layer a, core 0, alone until 40 (the same in both modes but for its
// CALLs):
//
//	pixel 0: MOV 0-1, LOAD 1-2, MOV 2-3, LOAD 3-4, MOV 4-5, MVM 5-15,
//	         bias 15-16, act 16-17, STORE 17-18, CALL 18-19 (pipelined)
//	pixel 1: MOV, LOAD, MOV, LOAD, MOV, LOAD, MOV 19-26, MVM 26-36,
//	         bias, act 36-38, STORE 38-39, CALL 39-40 (row 1 done: 2 pixels)
//
// Pipelined, b's pixel 0 needs a's rows 0 and 1: core 1 WAITs for a count
// of 2 and starts at 40. Both cores then ask for the bus at 41 (after a
// MOV); the round-robin tie-break (after core 0's CALL) serves core 1
// first:
//
//	core 1 pixel 0: MOV 40-41, LOAD 41-42, MOV 42-43, LOAD 43-44, MOV 44-45,
//	                MVM 45-55, bias, act 55-57, STORE 57-58
//	core 0 pixel 2: MOV 40-41, (bus) LOAD 42-43, MOV 43-44, LOAD 44-45,
//	                MOV 45-46, MVM 46-56, bias, act 56-58, STORE 58-59,
//	                CALL 59-60: a ends at 60
//	core 1 pixel 1: WAITs 58-60 for a's row 2, then 7 cycles of loads and
//	                MOVs 60-67, MVM 67-77, bias, act 77-79, STORE 79-80
//	core 1 pixel 2: loads and MOVs 80-85, MVM 85-95, bias, act, STORE 97-98
//
// Latency 98. Layer by layer, a runs as above without per-row CALLs (each
// pixel 1 cycle shorter: 0-18, 18-38, 38-56) and CALLs b once at 56-57; b
// then runs alone from 57, the same 56 cycles: latency 113, a speedup of
// 113/98.
func TestTwoLayerChainByHand(t *testing.T) {
	net := network(t, "chain", nn.Shape{C: 1, H: 3, W: 1}, conv3("a", 1), conv3("b", 1))
	a := tiny(16, 16, 2)
	pipe := run(t, net, a, netprog.Pipelined, false)
	layer := run(t, net, a, netprog.LayerByLayer, false)
	if got := layerTimes(pipe); got["a"] != [2]int64{0, 60} || got["b"] != [2]int64{40, 98} || pipe.Result.LatencyCycles != 98 {
		t.Errorf("pipelined: layers %v latency %d; want a 0-60, b 40-98, 98", got, pipe.Result.LatencyCycles)
	}
	if got := layerTimes(layer); got["a"] != [2]int64{0, 57} || got["b"] != [2]int64{57, 113} || layer.Result.LatencyCycles != 113 {
		t.Errorf("layer: layers %v latency %d; want a 0-57, b 57-113, 113", got, layer.Result.LatencyCycles)
	}
	// Critical path: b after a. Pipelined a ends at 60 and b 38 cycles
	// later; layer by layer a takes 57 of 113.
	wantShare := map[string]float64{"a": 60.0 / 98, "b": 38.0 / 98}
	for _, l := range pipe.Layers {
		if math.Abs(l.CriticalShare-wantShare[l.Layer]) > 1e-12 {
			t.Errorf("pipelined %s: critical share %g, want %g", l.Layer, l.CriticalShare, wantShare[l.Layer])
		}
	}
	if r := pipe.Result; r.Bottleneck != "a" || r.ImagesPerS != 1e9/98 || r.Segments != 1 || r.Cores != 2 {
		t.Errorf("pipelined result %+v", r)
	}
	// Sync memory: core 0 has no register, core 1 one (a's count): both
	// are counted at the paper's minimum of one.
	if r := pipe.Result; r.SeqRegs != 2 || r.SyncMemBytes != 8 || r.DepRegs != 1 || r.OwnerRegs != 0 || r.ChainRegs != 0 {
		t.Errorf("registers %d (%d dep), sync memory %d B; want 2 (1), 8", r.SeqRegs, r.DepRegs, r.SyncMemBytes)
	}
	if want := []Span{{"a", 0, 0, 60}, {"b", 0, 40, 98}}; !reflect.DeepEqual(pipe.Spans, want) {
		t.Errorf("spans %v, want %v", pipe.Spans, want)
	}
}

// TestResidualBlock: the chain with a residual add of the network input,
// on a digital core. The add costs 5 cycles per pixel (LOAD b, VOP copy,
// LOAD input, VOP add, STORE; one channel, 1 cycle each). Pipelined it
// follows b row by row and ends 5 cycles after b's last CALL; layer by
// layer it starts when b has ended and takes 3 x 5 = 15 cycles.
func TestResidualBlock(t *testing.T) {
	net := network(t, "res", nn.Shape{C: 1, H: 3, W: 1}, conv3("a", 1), conv3("b", 1),
		&nn.Layer{Name: "add", Kind: nn.Add, Inputs: []string{"b", nn.InputName}})
	a := tiny(16, 16, 3)
	for _, mode := range netprog.Modes() {
		r := run(t, net, a, mode, false)
		tm := layerTimes(r)
		add := r.Layers[2]
		if add.Role != "digital" || add.Cores != 1 {
			t.Errorf("%s: add placed as %s on %d cores", mode, add.Role, add.Cores)
		}
		if mode == netprog.LayerByLayer && (tm["add"] != [2]int64{tm["b"][1], tm["b"][1] + 15}) {
			t.Errorf("layer: b %v add %v; want the add in the 15 cycles after b", tm["b"], tm["add"])
		}
		if mode == netprog.Pipelined && (tm["add"][1] != tm["b"][1]+5 || tm["add"][0] >= tm["b"][1]) {
			t.Errorf("pipelined: b %v add %v; want the add to start before b ends and end 5 cycles after", tm["b"], tm["add"])
		}
		if r.Result.LatencyCycles != tm["add"][1] {
			t.Errorf("%s: latency %d, the add ends at %d", mode, r.Result.LatencyCycles, tm["add"][1])
		}
	}
}

// TestFoldedLayer: a 3x3 conv of 2 channels into 2 filters has 18 weight
// rows: on 9x4 crossbars PV = 2. With one core it is folded into two
// rounds on core 0, the partial sums kept in shared memory in between.
// 2x1 image, two pixels.
//
//	round 0 (tile v=0: rows ky0, and ky1 kx0 and kx1 channel 0):
//	  pixel 0: MOV zero 0-1, LOAD 1-2, MVM 2-12, STORE psum (8 B) 12-14,
//	           CALL (row done, to itself) 14-15
//	  pixel 1: MOV, LOAD, MOV, LOAD 15-19, MVM 19-29, STORE 29-31, CALL 31-32
//	reprogramming tile v=1: per row a 2-byte LOAD of its weights and a
//	  PROG of 20 cycles; the next LOAD overlaps the PROG: 32-33, then nine
//	  PROGs back to back 33-213: 181 cycles
//	round 1 (tile v=1):
//	  pixel 0: LOAD 213-214 (waits for the crossbar), MOV, LOAD, MOV 214-217,
//	           MVM 217-227, LOAD psum 217-219, MOV add, bias, act 227-230,
//	           STORE 230-231
//	  pixel 1: LOAD, MOV 231-233, MVM 233-243, LOAD psum, MOV x3 243-246,
//	           STORE 246-247
func TestFoldedLayer(t *testing.T) {
	net := network(t, "fold", nn.Shape{C: 2, H: 2, W: 1}, conv3("a", 2))
	a := tiny(9, 4, 1)
	if _, err := Simulate(net, Config{Arch: a, Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1}); !errors.Is(err, place.ErrNoFit) {
		t.Errorf("without segments: %v, want ErrNoFit", err)
	}
	r := run(t, net, a, netprog.Pipelined, true)
	res := r.Result
	if res.LatencyCycles != 247 || res.FoldedLayers != 1 || res.ReprogramCycles != 181 || res.WriteCycles != 180 ||
		res.Cores != 1 || res.CoresNeeded != 2 || r.Layers[0].Rounds != 2 {
		t.Errorf("folded run %+v", res)
	}
	// Partial sums: each round stores 2 pixels x 8 B or loads them.
	if res.PsumBytes != 32 || res.WeightBytes != 18 {
		t.Errorf("psum bytes %d weight bytes %d; want 32 and 18", res.PsumBytes, res.WeightBytes)
	}
}

// TestSegmentedReprogramming: two such convs on two cores: a fills the
// chip (PV = 2), so b is a second segment. Layer by layer (and pipelined,
// which cannot overlap segments):
//
//	segment 0: a on cores 0 and 1 (linear); core 0 ends at 33, core 1 at 41
//	  (after its layer-mode CALLs to b's cores)
//	core 0 reprograms 33-216: its first weight LOAD waits for core 1's
//	  partial-sum LOAD (33-35), LOAD 35-36, nine PROGs 36-216
//	core 1 reprograms 41-222: LOAD 41-42, nine PROGs 42-222
//	reprogramming, the union of both: 33-222 = 189 cycles; rows written
//	  2 x 9 x 20 = 360 cycles
//	segment 1: b starts when its last writer, core 1, is reprogrammed (222)
//	  and ends at 256
func TestSegmentedReprogramming(t *testing.T) {
	net := network(t, "seg", nn.Shape{C: 2, H: 2, W: 1}, conv3("a", 2), conv3("b", 2))
	a := tiny(9, 4, 2)
	for _, mode := range netprog.Modes() {
		r := run(t, net, a, mode, true)
		res := r.Result
		if res.Segments != 2 || res.ReprogramCycles != 189 || res.WriteCycles != 360 || res.LatencyCycles != 256 ||
			r.Layers[1].StartCycles != 222 || r.Layers[1].ReprogramCycle != 189 || r.Layers[1].Segment != 1 {
			t.Errorf("%s: %+v; b %+v", mode, res, r.Layers[1])
		}
	}
}

// TestBadInput: the errors a caller can correct wrap the package errors
// and are recognised by IsBadInput.
func TestBadInput(t *testing.T) {
	net := network(t, "chain", nn.Shape{C: 1, H: 3, W: 1}, conv3("a", 1), conv3("b", 1))
	wide := network(t, "seg", nn.Shape{C: 2, H: 2, W: 1}, conv3("a", 2), conv3("b", 2)) // 4 cores of 9x4
	big := network(t, "fold", nn.Shape{C: 64, H: 2, W: 1}, conv3("a", 64))              // 1024 tiles of 9x4
	a := tiny(9, 4, 2)
	for _, tc := range []struct {
		net  *nn.Network
		cfg  Config
		want error
	}{
		{net, Config{Arch: a, Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 0}, ErrImages},
		{wide, Config{Arch: a, Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1}, place.ErrNoFit},
		{big, Config{Arch: tiny(9, 4, 1), Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1, Segments: true}, place.ErrFold},
		{net, Config{Arch: tiny(16, 16, 2), Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1, Copies: map[string]int{"b": 4}}, place.ErrCopies},
		{net, Config{Arch: tiny(16, 16, 2), Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1, Copies: map[string]int{"nope": 2}}, place.ErrCopies},
	} {
		_, err := Simulate(tc.net, tc.cfg)
		if !errors.Is(err, tc.want) || !IsBadInput(err) {
			t.Errorf("%s %+v: %v, want %v", tc.net.Name, tc.cfg, err, tc.want)
		}
	}
	small := tiny(16, 16, 2)
	small.SharedMemBytes = 256
	_, err := Simulate(net, Config{Arch: small, Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 4})
	if !errors.Is(err, netprog.ErrMemory) || !IsBadInput(err) || !strings.Contains(err.Error(), "4 image(s)") {
		t.Errorf("4 images in 256 B: %v", err)
	}
}

// TestCompareResNet18: ResNet-18 at 32x32 input on 256 cores of 64x64
// crossbars, in segments: both modes and duplication run, the critical
// shares add up to one, every layer has a time, and runs are
// deterministic.
func TestCompareResNet18(t *testing.T) {
	net, err := zoo.Get("resnet18", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.Cores = 256
	cfg := Config{Arch: a, Scheme: compile.Linear, Images: 2, Segments: true, Duplicate: true}
	runs, err := Compare(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].Result.Speedup != 1 || runs[1].Result.Speedup <= 1 {
		t.Fatalf("speedups %v %v", runs[0].Result.Speedup, runs[1].Result.Speedup)
	}
	for _, r := range runs {
		sum := 0.0
		for _, l := range r.Layers {
			sum += l.CriticalShare
			if l.Role != "alias" && (l.EndCycles <= 0 || l.EndCycles < l.StartCycles) {
				t.Errorf("%s %s: start %d end %d", r.Result.Mode, l.Layer, l.StartCycles, l.EndCycles)
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: critical shares add up to %g", r.Result.Mode, sum)
		}
		if r.Result.Segments < 2 || r.Result.ReprogramCycles <= 0 || r.Result.ImagesPerS <= 0 || r.Result.MakespanCycles < r.Result.LatencyCycles {
			t.Errorf("%s: %+v", r.Result.Mode, r.Result)
		}
	}
	cfg.Mode, cfg.Duplicate, cfg.Copies = netprog.Pipelined, false, nil
	again, err := Simulate(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	again.Result.Speedup = runs[1].Result.Speedup // set by Compare
	if !reflect.DeepEqual(runs[1].Result, again.Result) || !reflect.DeepEqual(runs[1].Layers, again.Layers) {
		t.Errorf("the pipelined run differs between two identical calls")
	}
}

// TestRecords: CSV, JSON and DataFrame carry every column.
func TestRecords(t *testing.T) {
	net := network(t, "chain", nn.Shape{C: 1, H: 3, W: 1}, conv3("a", 1), conv3("b", 1))
	r := run(t, net, tiny(16, 16, 2), netprog.Pipelined, false)
	var b bytes.Buffer
	if err := WriteCSV(&b, []Result{r.Result}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 2 || !reflect.DeepEqual(recs[0], Columns()) || recs[1][0] != "chain" {
		t.Errorf("CSV %v %v", recs, err)
	}
	b.Reset()
	if err := WriteLayersCSV(&b, r.Layers); err != nil {
		t.Fatal(err)
	}
	if recs, _ := csv.NewReader(&b).ReadAll(); len(recs) != 3 || !reflect.DeepEqual(recs[0], LayerColumns()) {
		t.Errorf("layers CSV %v", recs)
	}
	b.Reset()
	if err := WriteJSON(&b, []Result{r.Result}); err != nil {
		t.Fatal(err)
	}
	var back []Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || !reflect.DeepEqual(back[0], r.Result) {
		t.Errorf("JSON round trip: %v", err)
	}
	df := DataFrame([]Result{r.Result, r.Result})
	if df.Nrow() != 2 || df.Ncol() != len(Columns()) || df.Col("latency_cycles").Elem(0).Float() != 98 {
		t.Errorf("DataFrame %d x %d", df.Nrow(), df.Ncol())
	}
	if lf := LayersDataFrame(r.Layers); lf.Nrow() != 2 || lf.Col("layer").Elem(1).String() != "b" {
		t.Errorf("layers DataFrame %v", lf)
	}
}

// TestStreamingImages: the chain of TestTwoLayerChainByHand with three
// images. Layer by layer, image k+1's a waits for image k's b (which now
// ends with a CALL to a, 1 cycle): every image takes 114 cycles. Pipelined,
// core 0 runs a's images back to back (60, then 62 cycles: its loads now
// meet b's on the bus) and b ends each image 38 cycles after a, as for the
// first: one image every 62 cycles.
func TestStreamingImages(t *testing.T) {
	net := network(t, "chain", nn.Shape{C: 1, H: 3, W: 1}, conv3("a", 1), conv3("b", 1))
	want := map[netprog.Mode][]Span{
		netprog.LayerByLayer: {{"a", 0, 0, 57}, {"a", 1, 114, 171}, {"a", 2, 228, 285}, {"b", 0, 57, 114}, {"b", 1, 171, 228}, {"b", 2, 285, 342}},
		netprog.Pipelined:    {{"a", 0, 0, 60}, {"a", 1, 60, 122}, {"a", 2, 122, 184}, {"b", 0, 40, 98}, {"b", 1, 102, 160}, {"b", 2, 164, 222}},
	}
	interval := map[netprog.Mode]float64{netprog.LayerByLayer: 114, netprog.Pipelined: 62}
	for _, mode := range netprog.Modes() {
		r, err := Simulate(net, Config{Arch: tiny(16, 16, 2), Scheme: compile.Linear, Mode: mode, Images: 3})
		if err != nil {
			t.Fatal(err)
		}
		res := r.Result
		if !reflect.DeepEqual(r.Spans, want[mode]) || res.IntervalCycles != interval[mode] ||
			math.Abs(res.ImagesPerS-1e9/interval[mode]) > 1e-6 || res.MakespanCycles != r.Spans[5].End {
			t.Errorf("%s: spans %v, interval %g, %g images/s, makespan %d", mode, r.Spans, res.IntervalCycles, res.ImagesPerS, res.MakespanCycles)
		}
	}
}
