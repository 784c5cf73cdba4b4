package plots

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/internal/limitio"
)

// endless repeats its text for ever, as /dev/zero does.
type endless struct {
	text string
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.text[e.off]
		e.off = (e.off + 1) % len(e.text)
	}
	return len(p), nil
}

// Issue 12 item 4: "plot --in /dev/zero" grew to 24 GB and "plot --trace"
// read an endless line whole. Both readers now stop at a line of
// MaxCSVLine bytes, whatever comes before.
func TestReadersStopOnEndlessLines(t *testing.T) {
	headers := map[string]string{
		"results": strings.Join(Columns, ",") + "\n",
		"network": strings.Join(NetworkColumns, ",") + "\n",
		"trace":   "core,start,end,class\n",
	}
	readers := map[string]func(io.Reader) error{
		"results": func(r io.Reader) error { _, err := ReadResults(r, "in.csv"); return err },
		"network": func(r io.Reader) error { _, err := ReadNetwork(r, "in.csv"); return err },
		"trace":   func(r io.Reader) error { _, err := ReadTrace(r, "in.csv"); return err },
	}
	for what, read := range readers {
		for _, c := range []struct {
			name string
			r    io.Reader
		}{
			{"zeros", &endless{text: "\x00"}},
			{"one endless line", io.MultiReader(strings.NewReader(headers[what]), &endless{text: "x,"})},
			{"quoted field without end", io.MultiReader(strings.NewReader(headers[what]+"a,\""), &endless{text: "y\n"})},
		} {
			err := read(c.r)
			want := fmt.Sprintf("longer than %d bytes", MaxCSVLine)
			if c.name == "quoted field without end" {
				want = "more than" // lines: the quoted field spans them
			}
			if !errors.Is(err, limitio.ErrTooLarge) || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "in.csv: ") {
				t.Errorf("%s, %s: %v", what, c.name, err)
			}
		}
	}
}

// An endless stream of empty lines (which a CSV reader skips) stops
// after twice the record limit in lines.
func TestReadResultsStopsOnEmptyLines(t *testing.T) {
	_, err := ReadResults(&endless{text: "\n"}, "in.csv")
	if !errors.Is(err, limitio.ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("more than %d lines", 2*MaxCSVRecords+2)) {
		t.Errorf("%v", err)
	}
}

// Past the record limit the reader stops with an error naming it.
func TestReadFrameRecordLimit(t *testing.T) {
	recs := fakeRecords("m", fakeResNet, []int{32}, []int{8}, []string{"linear"}) // 10 records
	var b bytes.Buffer
	csv.NewWriter(&b).WriteAll(recs)
	spec := frameSpec{what: "a results CSV", cols: "result", types: resultTypes, required: Columns, max: 9}
	if _, err := readFrame(bytes.NewReader(b.Bytes()), "in.csv", spec); err == nil || err.Error() != "in.csv: more than 9 records" {
		t.Errorf("%v", err)
	}
	spec.max = 10
	if df, err := readFrame(bytes.NewReader(b.Bytes()), "in.csv", spec); err != nil || df.Nrow() != 10 {
		t.Errorf("10 records: %v", err)
	}
}

// manyModels is a results CSV of n models, each the ten fake ResNet
// layers on one crossbar and bus in two schemes.
func manyModels(n int) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for i := range n {
		recs := fakeRecords(fmt.Sprintf("model%03d", i), fakeResNet, []int{64}, []int{16}, []string{"sequential", "linear"})
		if i > 0 {
			recs = recs[1:]
		}
		w.WriteAll(recs)
	}
	return b.Bytes()
}

// Issue 12 item 4: the standard figures converted the whole DataFrame once
// per figure (several per model), so "plot --in" with many models
// took time quadratic in their number. Standard converts it once.
func TestStandardConvertsOnce(t *testing.T) {
	df, err := ReadResults(bytes.NewReader(manyModels(20)), "many.csv")
	if err != nil {
		t.Fatal(err)
	}
	before := tables.Load()
	figs, err := Standard(df)
	if err != nil {
		t.Fatal(err)
	}
	if n := tables.Load() - before; n != 1 || len(figs) < 20*3+1 { // at least speedup, overhead, memory per model
		t.Errorf("%d conversions for %d figures, want 1", n, len(figs))
	}
}

// The reader keeps the values, not the file's text: reading 20,000
// records (about 11 MB of CSV) takes under 1.5 KB per record of live heap
// in the DataFrame (gota's elements: 16 B per number, text interned).
// Before, gota kept every cell as a string and then converted: about 25
// times the file.
func TestReadResultsMemory(t *testing.T) {
	data := manyModels(1000) // 20,000 records
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	df, err := ReadResults(bytes.NewReader(data), "big.csv")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perRecord := float64(after.HeapAlloc-before.HeapAlloc) / float64(df.Nrow())
	if df.Nrow() != 20000 || perRecord > 1500 {
		t.Errorf("%d records, %.0f B of heap each (file: %d B each)", df.Nrow(), perRecord, len(data)/20000)
	}
	runtime.KeepAlive(df)
}

// BenchmarkReadResults reads a results CSV of 20,000 records.
func BenchmarkReadResults(b *testing.B) {
	data := manyModels(1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadResults(bytes.NewReader(data), "big.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStandardManyModels draws the standard figures' data (not their
// encoding) for 100 models.
func BenchmarkStandardManyModels(b *testing.B) {
	df, err := ReadResults(bytes.NewReader(manyModels(100)), "many.csv")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Standard(df); err != nil {
			b.Fatal(err)
		}
	}
}
