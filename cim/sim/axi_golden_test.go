package sim

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"reflect"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/internal/golden"
)

// axiGoldenFile holds the AXI4 model's figures for axiGoldenRuns, as
// measured before the engine was made faster: a change of the engine's
// speed must not move any of them.
const axiGoldenFile = "testdata/axi4_golden.txt"

// axiGoldenRun is one AXI4 simulation of the golden set: a goldenRun with
// k transactions in flight per core and lat cycles of latency.
type axiGoldenRun struct {
	goldenRun
	k, lat int
}

// axiGoldenRuns lists the AXI4 golden set: the shared bus's runs (every
// conv and dense layer of ResNet-18 and MobileNet v1 at 32x32 input on
// 32x32, 64x64 and 128x128 crossbars, 4, 16 and 64-byte buses, three
// schemes; ResNet-18 on 64x64 crossbars under the round-robin arbiter and
// with blocking MVMs) with the default 4 outstanding transactions and 1
// cycle of latency; then ResNet-18 on 64x64 crossbars with 1, 2 and 8
// outstanding transactions under both arbiters, and with latencies of 0
// and 6 cycles.
func axiGoldenRuns(t *testing.T) []axiGoldenRun {
	var out []axiGoldenRun
	for _, r := range goldenRuns(t) {
		out = append(out, axiGoldenRun{r, 4, 1})
	}
	net, err := zoo.Get("resnet18", 32)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range net.CrossbarLayers() {
		for _, s := range compile.Schemes() {
			for _, arb := range []Arbiter{Oldest, RoundRobin} {
				for _, bus := range []int{4, 16, 64} {
					for _, k := range []int{1, 2, 8} {
						out = append(out, axiGoldenRun{goldenRun{"resnet18", l.Name, 64, bus, s, Options{Arbiter: arb}}, k, 1})
					}
				}
			}
			for _, bus := range []int{4, 64} {
				for _, lat := range []int{0, 6} {
					out = append(out, axiGoldenRun{goldenRun{"resnet18", l.Name, 64, bus, s, Options{}}, 4, lat})
				}
			}
		}
	}
	return out
}

// line runs r twice, untraced and traced, and describes the outcome in one
// line: the configuration, then cycles, the bus's and each channel's busy
// cycles, transactions, the cores' summed bus and ownership waits, a hash
// of every core's statistics (time split, end, instruction and action
// counts) and a hash of the trace (every span, in the order recorded).
func (r axiGoldenRun) line(t *testing.T) string {
	a := r.chip()
	a.Interconnect, a.AXIOutstanding, a.AXILatencyCycles = arch.AXI4, r.k, r.lat
	m := r.mapOn(t, a)
	cfg := fmt.Sprintf("%s k=%d lat=%d", r.config(), r.k, r.lat)
	if !m.Fits {
		return cfg + " does-not-fit"
	}
	tm, err := Simulate(m, a, r.scheme, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	traced := r.opt
	traced.Trace, traced.MaxSpans = true, 1<<30
	tr, err := Simulate(m, a, r.scheme, traced)
	if err != nil {
		t.Fatal(err)
	}
	stats := func(tm *Timing) uint64 {
		h := fnv.New64a()
		var buf []byte
		for _, c := range tm.Cores {
			buf = appendInts(buf[:0], reflect.ValueOf(c))
			h.Write(buf)
		}
		return h.Sum64()
	}
	if stats(tm) != stats(tr) || tm.Cycles != tr.Cycles {
		t.Errorf("%s: the traced run differs from the untraced one", cfg)
	}
	ht := fnv.New64a()
	var buf []byte
	for _, s := range tr.Trace {
		buf = binary.LittleEndian.AppendUint32(buf[:0], uint32(s.Core))
		buf = append(buf, byte(s.Class))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s.Start))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s.End))
		ht.Write(buf)
	}
	var waitBus, waitOwner int64
	for _, c := range tm.Cores {
		waitBus += c.WaitBus
		waitOwner += c.WaitOwner
	}
	return fmt.Sprintf("%s cycles=%d busbusy=%d read=%d write=%d trans=%d waitbus=%d waitowner=%d stats=%x trace=%x",
		cfg, tm.Cycles, tm.BusBusy, tm.ReadBusy, tm.WriteBusy, tm.Transactions, waitBus, waitOwner, stats(tm), ht.Sum64())
}

// TestAXIGolden holds the AXI4 model to the figures it gave before its
// engine was optimised (testdata/axi4_golden.txt, written by -update):
// every cycle count, channel figure, per-core statistic and traced span.
func TestAXIGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set skipped in -short mode")
	}
	runs := axiGoldenRuns(t)
	got := make([]string, len(runs))
	for i, r := range runs {
		got[i] = r.line(t)
	}
	golden.Lines(t, axiGoldenFile, got, *updateGolden)
}

// appendInts appends every integer of v (a struct, an array or an integer,
// nested) to buf, little-endian: a fast, complete encoding of a CoreStats.
func appendInts(buf []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			buf = appendInts(buf, v.Field(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			buf = appendInts(buf, v.Index(i))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf = binary.LittleEndian.AppendUint64(buf, uint64(v.Int()))
	default:
		panic(fmt.Sprintf("appendInts: %v", v.Type()))
	}
	return buf
}
