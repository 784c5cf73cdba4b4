package main

import "fmt"

// check reads an executed notebook and counts what its tagged cells show.
func Example() {
	nb := `{"nbformat": 4, "metadata": {"kernelspec": {"name": "cimkit-go"}}, "cells": [
	  {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["table"]}, "source": "kernel.Show(rows)",
	   "outputs": [{"output_type": "display_data", "data": {"text/html": "<table></table>"}}]}]}`
	st, err := check([]byte(nb))
	fmt.Printf("%+v %v\n", st, err)
	_, err = check([]byte(`{"nbformat": 4, "metadata": {}, "cells": []}`))
	fmt.Println(err)
	// Output:
	// {Cells:1 Tables:1 Figures:0 CheckedTables:0} <nil>
	// kernelspec "", want cimkit-go
	// no code cells
}
