package plots

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cimkit/cimkit/cim/sim"
)

// MaxTraceSpans bounds the spans ReadTrace accepts, so that a huge file
// fails with a clear error instead of exhausting memory.
const MaxTraceSpans = 1 << 22

// traceKinds maps the names of the simulator's span classes (as written by
// "cimkit sim --trace") to timeline kinds, as [FromSim] converts them.
var traceKinds = func() map[string]SpanKind {
	m := map[string]SpanKind{}
	for _, c := range sim.Classes() {
		m[c.String()] = KindOf(c)
	}
	return m
}()

// traceClasses lists the class names for errors: "mvm, mov, ... or prog".
var traceClasses = func() string {
	cs := sim.Classes()
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.String()
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}()

// ReadTrace reads a trace CSV with the header core,start,end,class (as
// written by "cimkit sim --trace FILE") into timeline spans. A file beyond
// [MaxTraceSpans] spans, [MaxCSVBytes] or with a line longer than
// [MaxCSVLine] is refused. name names the input in errors.
func ReadTrace(r io.Reader, name string) ([]Span, error) {
	cr := limitCSV(r, MaxTraceSpans)
	cr.FieldsPerRecord = 4
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty trace", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a trace CSV: %w", name, err)
	}
	if strings.Join(head, ",") != "core,start,end,class" {
		return nil, fmt.Errorf("%s: header %q, want core,start,end,class", name, strings.Join(head, ","))
	}
	var spans []Span
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(spans) == MaxTraceSpans {
			return nil, fmt.Errorf("%s: more than %d spans", name, MaxTraceSpans)
		}
		s, err := traceSpan(rec)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %v", name, line, err)
		}
		spans = append(spans, s)
	}
	if err := checkSpans(spans, "trace"); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return spans, nil
}

// traceSpan parses one record of a trace CSV.
func traceSpan(rec []string) (Span, error) {
	core, err := strconv.Atoi(rec[0])
	if err != nil || core < 0 {
		return Span{}, fmt.Errorf("core %q is not a core number", rec[0])
	}
	var t [2]float64
	for i, f := range rec[1:3] {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil || v < 0 {
			return Span{}, fmt.Errorf("%s %q is not a cycle count", []string{"start", "end"}[i], f)
		}
		t[i] = float64(v)
	}
	k, ok := traceKinds[rec[3]]
	if !ok {
		return Span{}, fmt.Errorf("unknown class %q (want %s)", rec[3], traceClasses)
	}
	if t[1] < t[0] {
		return Span{}, fmt.Errorf("end %v before start %v", t[1], t[0])
	}
	return Span{Core: core, Start: t[0], End: t[1], Kind: k}, nil
}
