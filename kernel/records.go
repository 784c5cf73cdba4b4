package kernel

import (
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// MaxRows is the most rows Records and Frame put in a table; the rest are
// summarised in the table's note. Zero or less means no limit.
var MaxRows = 200

// Records makes a table from a slice (or array) of structs, or of pointers to
// structs: one row per element, one column per exported field, in field
// order. Embedded structs contribute their fields; other nested values are
// printed with fmt. Floats are written with FormatFloat, and a field's
// `table:"name"` tag renames its column (`table:"-"` leaves it out).
//
// A single struct (or pointer to one) gives a one-row table. Anything else is
// an error that names the type.
func Records(v any) (*Grid, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct {
		s := reflect.New(reflect.SliceOf(rv.Type())).Elem()
		rv = reflect.Append(s, rv)
	}
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, fmt.Errorf("kernel.Records: %T is not a slice of structs", v)
	}
	et := rv.Type().Elem()
	if et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct {
		return nil, fmt.Errorf("kernel.Records: %T is not a slice of structs", v)
	}
	cols := columns(et, nil)
	g := &Grid{}
	for _, c := range cols {
		g.Header = append(g.Header, c.name)
	}
	n := limitRows(rv.Len())
	for i := 0; i < n; i++ {
		g.Rows = append(g.Rows, recordRow(rv.Index(i), cols))
	}
	g.Note, g.Total = moreRows(rv.Len(), n), rv.Len()
	return g, nil
}

// column is one table column: a field reached through an index path.
type column struct {
	name  string
	index []int
}

// columns lists the exported fields of struct type t, flattening embedded
// structs.
func columns(t reflect.Type, prefix []int) []column {
	var out []column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		idx := append(append([]int(nil), prefix...), i)
		name := f.Name
		if tag, ok := f.Tag.Lookup("table"); ok {
			if tag == "-" {
				continue
			}
			name = tag
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, columns(f.Type, idx)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		out = append(out, column{name: name, index: idx})
	}
	return out
}

func recordRow(v reflect.Value, cols []column) []string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return make([]string, len(cols))
		}
		v = v.Elem()
	}
	row := make([]string, len(cols))
	for j, c := range cols {
		row[j] = formatValue(v.FieldByIndex(c.index))
	}
	return row
}

var durationType = reflect.TypeOf(time.Duration(0))

// formatValue writes one table cell.
func formatValue(v reflect.Value) string {
	if v.Type() == durationType {
		return time.Duration(v.Int()).String()
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return FormatFloat(v.Float())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if s, ok := v.Interface().(fmt.Stringer); ok && v.Type().PkgPath() != "" {
			return s.String()
		}
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
	}
	if v.CanInterface() {
		return fmt.Sprint(v.Interface())
	}
	return ""
}

func limitRows(n int) int {
	if MaxRows > 0 && n > MaxRows {
		return MaxRows
	}
	return n
}

func moreRows(total, shown int) string {
	if total == shown {
		return ""
	}
	return fmt.Sprintf("… %d more rows (%d in all; kernel.MaxRows = %d)", total-shown, total, MaxRows)
}

// Fields makes a two-column table of one struct (or pointer to one): a row
// per exported field, its column name as Records would give it, and its
// value. It shows a configuration, e.g. arch.Default(), so that a
// notebook's text can point at the values the code uses instead of
// repeating them by hand. Anything but a struct is an error naming the type.
func Fields(v any) (*Grid, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("kernel.Fields: %T is not a struct", v)
	}
	g, err := Records(rv.Interface())
	if err != nil {
		return nil, err
	}
	out := &Grid{Header: []string{"field", "value"}}
	for i, name := range g.Header {
		out.Rows = append(out.Rows, []string{name, g.Rows[0][i]})
	}
	return out, nil
}
