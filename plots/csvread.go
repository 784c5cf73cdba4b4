package plots

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/internal/limitio"
)

// Limits of the CSV readers ([ReadResults], [ReadNetwork],
// [ReadNetworkLayers], [ReadTrace]): a file past them fails with an error
// saying which limit, in memory proportional to the records kept.
const (
	MaxCSVBytes   = 1 << 30 // bytes of a file (1 GiB)
	MaxCSVLine    = 1 << 16 // bytes of a line (64 KiB)
	MaxCSVRecords = 1 << 20 // records of a results or network CSV
)

// limitCSV returns a CSV reader (reusing its record) of r, its '#'
// preamble skipped, bounded by MaxCSVBytes, MaxCSVLine and 2*records+2
// lines (a file of a few valid records among millions of empty lines,
// which a CSV reader skips, stops early too).
func limitCSV(r io.Reader, records int) *csv.Reader {
	lr := limitio.NewReader(sim.SkipPreamble(r), MaxCSVBytes, MaxCSVLine)
	lr.MaxLines = 2*records + 2
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	return cr
}

// frameSpec says how readFrame reads one kind of CSV.
type frameSpec struct {
	what     string                 // "a results CSV", for errors
	cols     string                 // "result", for "missing result columns"
	types    map[string]series.Type // known columns: String, Bool or Float; others are dropped
	required []string               // columns that must be there
	finite   bool                   // numbers must be finite
	max      int                    // most records (0: MaxCSVRecords)
}

// column is one kept column as it is read.
type column struct {
	name   string
	typ    series.Type
	text   []string
	flags  []bool
	floats []float64
	intern map[string]string // one copy of each distinct text
}

// readFrame reads a CSV with a header line into a DataFrame of the columns
// spec knows, converting every value as it is read (so memory holds the
// kept values, not the file's text) and checking it: numbers in numeric
// columns, true/false in boolean ones. Errors name the input, the row (1
// is the first record) and the column.
func readFrame(r io.Reader, name string, spec frameSpec) (dataframe.DataFrame, error) {
	fail := func(err error) (dataframe.DataFrame, error) { return dataframe.DataFrame{Err: err}, err }
	limit := cmp.Or(spec.max, MaxCSVRecords)
	cr := limitCSV(r, limit)
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fail(fmt.Errorf("%s: not %s: empty file", name, spec.what))
	}
	if err != nil {
		return fail(fmt.Errorf("%s: not %s: %w", name, spec.what, err))
	}
	cols, pos, err := frameColumns(head, name, spec)
	if err != nil {
		return fail(err)
	}
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(fmt.Errorf("%s: not %s: %w", name, spec.what, err))
		}
		if row > limit {
			return fail(fmt.Errorf("%s: more than %d records", name, limit))
		}
		for i, c := range cols {
			if err := c.add(rec[pos[i]], spec.finite); err != nil {
				return fail(fmt.Errorf("%s: row %d, column %s: %v", name, row, c.name, err))
			}
		}
	}
	ss := make([]series.Series, len(cols))
	for i, c := range cols {
		ss[i] = c.series()
	}
	return dataframe.New(ss...), nil
}

// frameColumns finds the known columns in the header, in the header's
// order, and checks that every required one is there.
func frameColumns(head []string, name string, spec frameSpec) ([]*column, []int, error) {
	var cols []*column
	var pos []int
	seen := map[string]bool{}
	for i, h := range head {
		typ, ok := spec.types[h]
		if !ok || seen[h] {
			continue
		}
		seen[h] = true
		cols = append(cols, &column{name: strings.Clone(h), typ: typ, intern: map[string]string{}})
		pos = append(pos, i)
	}
	if _, err := checkColumns(head, spec.required, name, spec.cols); err != nil {
		return nil, nil, err
	}
	return cols, pos, nil
}

// checkColumns returns the set of names, or an error naming the input and
// listing the required columns (of kind, e.g. "result") that names lacks.
func checkColumns(names, required []string, name, kind string) (map[string]bool, error) {
	have := make(map[string]bool, len(names))
	for _, c := range names {
		have[c] = true
	}
	var missing []string
	for _, c := range required {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: missing %s columns %s", name, kind, strings.Join(missing, ", "))
	}
	return have, nil
}

// add converts and appends one value.
func (c *column) add(v string, finite bool) error {
	switch c.typ {
	case series.String:
		s, ok := c.intern[v]
		if !ok {
			s = strings.Clone(v) // v shares the reader's line buffer
			c.intern[s] = s
		}
		c.text = append(c.text, s)
	case series.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		c.flags = append(c.flags, b)
	default:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || finite && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return fmt.Errorf("%q is not a number", v)
		}
		c.floats = append(c.floats, f)
	}
	return nil
}

// series returns the column as a gota series.
func (c *column) series() series.Series {
	switch c.typ {
	case series.String:
		return series.New(c.text, series.String, c.name)
	case series.Bool:
		return series.New(c.flags, series.Bool, c.name)
	}
	return series.New(c.floats, series.Float, c.name)
}
