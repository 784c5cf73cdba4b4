package records_test

import (
	"fmt"
	"reflect"

	"github.com/cimkit/cimkit/internal/records"
)

// A record type is a struct of strings, integers, floats and booleans with
// one json tag per field; its columns, CSV cells and DataFrame all come from
// those tags.
func Example() {
	type run struct {
		Model   string  `json:"model"`
		Cycles  int64   `json:"cycles"`
		Speedup float64 `json:"speedup"`
		Fits    bool    `json:"fits"`
	}
	rs := []run{{"resnet18", 1200, 3.5, true}, {"lenet5", 90, 1, false}}
	fmt.Println(records.Columns(reflect.TypeFor[run]()))
	fmt.Println(records.Cells(reflect.ValueOf(rs[0])))
	df := records.Frame(reflect.TypeFor[run](), []reflect.Value{reflect.ValueOf(rs[0]), reflect.ValueOf(rs[1])})
	fmt.Println(df.Nrow(), df.Types(), df.Col("cycles").Elem(1).Float())
	// Output:
	// [model cycles speedup fits]
	// [resnet18 1200 3.5 true]
	// 2 [string int float bool] 90
}
