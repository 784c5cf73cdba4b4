// Command nbcheck checks notebooks that nbconvert has executed: that every
// code cell ran, that no cell failed, that the cells' tags hold, and that
// neither the cells nor the kernel showed noise.
//
//	go run ./kernel/nbcheck out/notebooks/*.ipynb
//
// Cell tags (in the cell's metadata; nbformat allows no commas in a tag):
//
//	table              an output's text/html holds a <table>
//	figure             an image/svg+xml or image/png output (or HTML holding
//	                   an <svg> or <img>)
//	contains=TEXT      TEXT appears in one of the cell's outputs (any MIME
//	                   type, or a stream)
//	rows=N             every table the cell shows has N rows in all (kernel
//	                   tables say so in data-rows, even past kernel.MaxRows)
//	every=COL=A|B      in every table, every row shown has A or B in column COL
//	column=COL=A|B|C   in every table, column COL reads A, B, C top to bottom
//
// Tag a table with what its text promises (the configuration it selects,
// how many rows): a table that shows the wrong rows then fails the check.
//
// Noise fails a notebook too: terminal escape codes, advice to install
// "@latest" versions or gonb's "gopls is not installed" in any output, a
// figure drawn in a serif font (gonum/plot's default, where cimkit's figures
// use package plots' sans-serif style), and, when NAME.stderr lies next to
// NAME.ipynb (make test-notebooks writes nbconvert's standard error there),
// any line in it other than nbconvert's own progress lines: that is what a
// user sees in the terminal when the kernel starts.
//
// The notebook must name the kernelspec "cimkit-go". The last line reads
// "nbcheck: N passed, N failed" (one check per notebook); the exit status
// is 1 when any failed.
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
		fmt.Printf("ok   %s: %d code cells, %d tables (%d with content tags), %d figures\n",
			path, st.Cells, st.Tables, st.CheckedTables, st.Figures)
	}
	fmt.Printf("nbcheck: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
