package plots

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/sim"
)

// Columns are the columns of the simulator's result record that every
// results DataFrame must have ([sim.RequiredColumns]), in order. The
// optional "reason" column (why a layer does not fit) may be there too.
var Columns = sim.RequiredColumns()

// textColumns are the columns that hold text; "fits" holds a boolean and
// every other column a number.
var textColumns = map[string]bool{"model": true, "layer": true, "kind": true, "scheme": true, "reason": true,
	"interconnect": true}

// ReadResults reads a results CSV (header line with at least [Columns]) into
// a DataFrame and checks it: every column present, numbers in the numeric
// columns, true/false in "fits". Lines starting with '#' before the header
// are skipped ([sim.SkipPreamble]). Results written before the energy
// columns ([sim.EnergyColumns]) still load: their energies read as 0, and
// the energy figures are left out. Columns that are not result columns are
// dropped. A file beyond [MaxCSVBytes], [MaxCSVLine] or [MaxCSVRecords] is
// refused. name names the input in errors.
func ReadResults(r io.Reader, name string) (dataframe.DataFrame, error) {
	return readFrame(r, name, frameSpec{what: "a results CSV", cols: "result", types: resultTypes, required: Columns})
}

// resultTypes are the types of the result columns as ReadResults reads
// them: text, "fits" a boolean, every other column a number.
var resultTypes = func() map[string]series.Type {
	m := map[string]series.Type{}
	for _, c := range sim.Columns() {
		switch {
		case textColumns[c]:
			m[c] = series.String
		case c == "fits":
			m[c] = series.Bool
		default:
			m[c] = series.Float
		}
	}
	return m
}()

// row is one result record as read from a DataFrame.
type row struct {
	model, layer, kind, scheme string
	interconnect               string // arch.Shared for results from before the column
	fits                       bool
	num                        []float64 // numeric columns, by numIndex
}

// numIndex gives each numeric result column its place in row.num.
var numIndex = func() map[string]int {
	m := map[string]int{}
	for _, c := range sim.Columns() {
		if !textColumns[c] && c != "fits" {
			m[c] = len(m)
		}
	}
	return m
}()

// n returns the row's value in numeric column col (0 for a column that is
// not one).
func (r row) n(col string) float64 {
	if i, ok := numIndex[col]; ok {
		return r.num[i]
	}
	return 0
}

// value writes the row's value in col as an error message names it.
func (r row) value(col string) string {
	switch col {
	case "model":
		return r.model
	case "scheme":
		return r.scheme
	case "interconnect":
		return r.interconnect
	}
	return fmtNum(r.n(col))
}

// tables counts the DataFrames table converts (tests check that a figure
// set converts its DataFrame once).
var tables atomic.Int64

// table converts df into rows, checking columns and values.
func table(df dataframe.DataFrame, name string) ([]row, error) {
	tables.Add(1)
	if df.Err != nil {
		return nil, fmt.Errorf("%s: %v", name, df.Err)
	}
	have, err := checkColumns(df.Names(), Columns, name, "result")
	if err != nil {
		return nil, err
	}
	n, k := df.Nrow(), len(numIndex)
	rows := make([]row, n)
	nums := make([]float64, n*k) // one block for every row's numbers
	for i := range rows {
		rows[i].num = nums[i*k : (i+1)*k : (i+1)*k]
	}
	for _, c := range slices.Concat(Columns, []string{"interconnect"}, sim.EnergyColumns()) {
		if !have[c] {
			continue // an optional column of results from before it: reads as 0 (energies) or below
		}
		if err := fillColumn(rows, df.Col(c), name); err != nil {
			return nil, err
		}
	}
	for i := range rows {
		if rows[i].interconnect == "" {
			rows[i].interconnect = arch.Shared // results from before the column: the shared bus
		}
	}
	return rows, nil
}

// fillColumn stores column s into rows.
func fillColumn(rows []row, s series.Series, name string) error {
	col := s.Name
	var floats []float64
	if s.Type() == series.Float || s.Type() == series.Int {
		floats = s.Float()
	}
	recs := s.Records()
	for i := range rows {
		rec := recs[i]
		switch col {
		case "model":
			rows[i].model = rec
		case "layer":
			rows[i].layer = rec
		case "kind":
			rows[i].kind = rec
		case "scheme":
			rows[i].scheme = rec
		case "interconnect":
			rows[i].interconnect = rec
		case "fits":
			b, err := strconv.ParseBool(strings.TrimSpace(rec))
			if err != nil {
				return fmt.Errorf("%s: row %d, column fits: %q is not true or false", name, i+1, rec)
			}
			rows[i].fits = b
		default:
			v, err := number(floats, recs, i)
			if err != nil {
				return fmt.Errorf("%s: row %d, column %s: %q is not a number", name, i+1, col, rec)
			}
			rows[i].num[numIndex[col]] = v
		}
	}
	return nil
}

func number(floats []float64, recs []string, i int) (float64, error) {
	if floats != nil {
		return floats[i], nil
	}
	return strconv.ParseFloat(strings.TrimSpace(recs[i]), 64)
}

// ErrNoData is wrapped by the errors of figure builders that found nothing
// to draw in the selected results.
var ErrNoData = errors.New("no results")

// Select narrows results down before a figure is drawn. Zero fields select
// everything.
type Select struct {
	Model        string // "resnet18"
	Scheme       string // "linear"
	Xbar         int    // crossbar rows (square crossbars: 32, 64, 128)
	Bus          int    // bus width in bytes
	Cores        int    // core budget (cores_budget)
	Images       int    // images streamed (whole-network figures only)
	Interconnect string // "shared" or "axi4"
}

func (s Select) keep(r row) bool {
	return (s.Model == "" || r.model == s.Model) &&
		(s.Interconnect == "" || r.interconnect == s.Interconnect) &&
		(s.Scheme == "" || r.scheme == s.Scheme) &&
		(s.Xbar == 0 || int(r.n("xbar_rows")) == s.Xbar) &&
		(s.Bus == 0 || int(r.n("bus_bytes")) == s.Bus) &&
		(s.Cores == 0 || int(r.n("cores_budget")) == s.Cores)
}

// String lists the fields set, e.g. "model=resnet18 bus=64".
func (s Select) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	if s.Model != "" {
		add("model", s.Model)
	}
	if s.Scheme != "" {
		add("scheme", s.Scheme)
	}
	if s.Xbar != 0 {
		add("xbar", strconv.Itoa(s.Xbar))
	}
	if s.Bus != 0 {
		add("bus", strconv.Itoa(s.Bus))
	}
	if s.Cores != 0 {
		add("cores", strconv.Itoa(s.Cores))
	}
	if s.Images != 0 {
		add("images", strconv.Itoa(s.Images))
	}
	if s.Interconnect != "" {
		add("interconnect", s.Interconnect)
	}
	if len(parts) == 0 {
		return "all results"
	}
	return strings.Join(parts, " ")
}

// selectRows keeps the rows sel selects, without model totals (layer
// "total"); error if none.
func selectRows(all []row, sel Select, fig string) ([]row, error) {
	var out []row
	for _, r := range all {
		if sel.keep(r) && r.layer != sim.TotalLayer {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s figure: %w for %s", fig, ErrNoData, sel)
	}
	return out, nil
}

// axes are the sweep axes a figure may need to pin down, of results and of
// network records alike (a column a record does not have reads as 0).
var axes = []string{"model", "scheme", "xbar_rows", "bus_bytes", "cores_budget", "interconnect", "images"}

// unique checks that key identifies at most one of rows. On a clash it names
// the sweep axis that varies so that the caller knows what to select.
func unique[R interface{ value(col string) string }](rows []R, fig string, key func(R) string) error {
	seen := map[string]R{}
	for _, r := range rows {
		k := key(r)
		prev, ok := seen[k]
		if !ok {
			seen[k] = r
			continue
		}
		for _, col := range axes {
			if a, b := prev.value(col), r.value(col); a != b {
				return fmt.Errorf("%s figure: several results for %s (%s %s and %s): select one %s",
					fig, k, col, a, b, col)
			}
		}
		return fmt.Errorf("%s figure: duplicate results for %s", fig, k)
	}
	return nil
}

// values returns the sorted distinct values of a numeric column.
func values(rows []row, col string) []float64 {
	set := map[float64]bool{}
	for _, r := range rows {
		set[r.n(col)] = true
	}
	out := make([]float64, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Float64s(out)
	return out
}

// distinct returns the distinct values of get over rows, in order of first
// appearance.
func distinct(rows []row, get func(row) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		if v := get(r); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// layerOrder returns the layers of rows in order of first appearance.
func layerOrder(rows []row) []string {
	return distinct(rows, func(r row) string { return r.layer })
}

// layerIndex returns each layer's position in layers: its x on a
// category axis.
func layerIndex(layers []string) map[string]int {
	idx := make(map[string]int, len(layers))
	for i, l := range layers {
		idx[l] = i
	}
	return idx
}

// fmtNum writes v as an integer when it is one, else in the shortest form.
func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
