package records

import (
	"reflect"
	"testing"
)

type rec struct {
	Name  string  `json:"name"`
	N     int     `json:"n"`
	Big   int64   `json:"big,omitempty"`
	Ratio float64 `json:"ratio"`
	Ok    bool    `json:"ok"`
}

func TestRecords(t *testing.T) {
	typ := reflect.TypeFor[rec]()
	if got := Columns(typ); !reflect.DeepEqual(got, []string{"name", "n", "big", "ratio", "ok"}) {
		t.Errorf("Columns = %v", got)
	}
	rs := []rec{{"a", 1, 1 << 40, 0.1, true}, {"b", -2, 0, 1e-300, false}}
	if got := Cells(reflect.ValueOf(rs[0])); !reflect.DeepEqual(got, []string{"a", "1", "1099511627776", "0.1", "true"}) {
		t.Errorf("Cells = %v", got)
	}
	df := Frame(typ, []reflect.Value{reflect.ValueOf(rs[0]), reflect.ValueOf(rs[1])})
	if df.Nrow() != 2 || df.Col("n").Elem(1).Float() != -2 || df.Col("ratio").Elem(1).Float() != 1e-300 || df.Col("name").Elem(0).String() != "a" {
		t.Errorf("Frame:\n%v", df)
	}
}
