// Package records turns cimkit's flat result records (structs of strings,
// integers, floats and booleans, one json tag per field) into column
// names, CSV cells and gota DataFrames, so that every record type writes
// them the same way.
package records

import (
	"encoding/csv"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Columns returns the json names of struct type t's fields, in order
// (options such as omitempty cut off).
func Columns(t reflect.Type) []string {
	out := make([]string, t.NumField())
	for i := range out {
		out[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return out
}

// Cells returns the values of struct v's fields as CSV cells. Floats use
// the shortest representation that reads back exactly.
func Cells(v reflect.Value) []string {
	out := make([]string, v.NumField())
	for i := range out {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			out[i] = f.String()
		case reflect.Int, reflect.Int64:
			out[i] = strconv.FormatInt(f.Int(), 10)
		case reflect.Float64:
			out[i] = strconv.FormatFloat(f.Float(), 'g', -1, 64)
		case reflect.Bool:
			out[i] = strconv.FormatBool(f.Bool())
		}
	}
	return out
}

// Frame returns a DataFrame of the structs rows (all of type t), one
// column per field named as Columns: string, int, float or bool series.
func Frame(t reflect.Type, rows []reflect.Value) dataframe.DataFrame {
	cols := Columns(t)
	ss := make([]series.Series, len(cols))
	for i, name := range cols {
		var typ series.Type
		switch t.Field(i).Type.Kind() {
		case reflect.String:
			typ = series.String
		case reflect.Int, reflect.Int64:
			typ = series.Int
		case reflect.Float64:
			typ = series.Float
		case reflect.Bool:
			typ = series.Bool
		}
		vals := make([]any, len(rows))
		for k, v := range rows {
			f := v.Field(i)
			if typ == series.Int {
				vals[k] = int(f.Int())
			} else {
				vals[k] = f.Interface()
			}
		}
		ss[i] = series.New(vals, typ, name)
	}
	return dataframe.New(ss...)
}

// WriteCSV writes a header line and rows as CSV.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
