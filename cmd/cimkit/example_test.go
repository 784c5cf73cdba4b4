package main

import (
	"fmt"
	"os"
)

// Every command runs through run, as from a shell: here "cimkit map" lays
// LeNet-5's conv and dense layers on 32x32 crossbars. fc1's 400x120 weight
// matrix needs 13 row blocks by 4 column blocks: 52 cores, 13 of them adding
// into each output (PV).
func Example() {
	if code := run([]string{"map", "--model", "lenet5", "--xbar", "32x32", "--format", "csv"}, os.Stdout, os.Stderr); code != 0 {
		fmt.Println("exit status", code)
	}
	// Output:
	// layer,rows,cols,groups,groups_per_tile,pv,ph,cores,utilization,fits
	// conv1,25,6,1,1,1,1,1,0.1465,true
	// conv2,150,16,1,1,5,1,5,0.4688,true
	// fc1,400,120,1,1,13,4,52,0.9014,true
	// fc2,120,84,1,1,4,3,12,0.8203,true
	// fc3,84,10,1,1,3,1,3,0.2734,true
}
