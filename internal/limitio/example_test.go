package limitio_test

import (
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/cimkit/cimkit/internal/limitio"
)

// A CSV reader over a Reader with a line limit fails on a line longer than
// the limit instead of reading it whole.
func Example() {
	in := "a,b\n1,2\n" + strings.Repeat("9", 100) + ",3\n"
	r := csv.NewReader(limitio.NewReader(strings.NewReader(in), 1<<20, 64))
	for {
		rec, err := r.Read()
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(rec)
	}
	// Output:
	// [a b]
	// [1 2]
	// error: line 3 longer than 64 bytes: input too large
}
