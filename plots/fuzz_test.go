package plots

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadResults checks that no input makes ReadResults or the figures
// built from what it accepts panic.
func FuzzReadResults(f *testing.F) {
	recs := fakeRecords("m", fakeResNet[:2], []int{32}, []int{8}, []string{"sequential", "linear"})
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	f.Add([]byte(b.String()))
	f.Add([]byte(strings.Join(Columns, ",") + "\n"))
	f.Add([]byte("model,model\n1,2\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := ReadResults(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		_, _ = Standard(df) // errors are fine; a panic fails the fuzz test
	})
}

// FuzzReadTrace checks that no input makes ReadTrace or the trace figures
// panic.
func FuzzReadTrace(f *testing.F) {
	f.Add([]byte("core,start,end,class\n0,0,10,load\n1,0,10,bus_wait\n0,10,810,mvm\n"))
	f.Add([]byte("core,start,end,class\n63,0,9223372036854775807,mvm\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		spans, err := ReadTrace(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		_, _ = Timeline(spans, TimelineOptions{}) // errors are fine; a panic fails
		_, _ = BusUtilization(spans, 50, "")
	})
}
