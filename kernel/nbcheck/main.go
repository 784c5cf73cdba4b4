// Command nbcheck checks notebooks that nbconvert has executed: that every
// code cell ran, that no cell failed, and that the cells tagged "table" or
// "figure" show what their tag promises.
//
//	go run ./kernel/nbcheck out/notebooks/*.ipynb
//
// A cell tagged "table" must have an output whose text/html holds a <table>;
// a cell tagged "figure" must have an image/svg+xml or image/png output (or
// HTML holding an <svg> or <img>). A tag "contains=TEXT" asks for TEXT in one
// of the cell's outputs (any MIME type, or a stream). The notebook must name
// the kernelspec "cimkit-go". The last line reads "N passed, N failed"
// (one check per notebook); the exit status is 1 when any failed.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nbcheck NOTEBOOK.ipynb...")
		os.Exit(2)
	}
	passed, failed := 0, 0
	for _, path := range os.Args[1:] {
		st, err := checkFile(path)
		if err != nil {
			failed++
			fmt.Printf("FAIL %s\n%v\n", path, err)
			continue
		}
		passed++
		fmt.Printf("ok   %s: %d code cells, %d tables, %d figures\n", path, st.Cells, st.Tables, st.Figures)
	}
	fmt.Printf("nbcheck: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
