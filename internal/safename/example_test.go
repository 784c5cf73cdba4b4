package safename_test

import (
	"fmt"

	"github.com/cimkit/cimkit/internal/safename"
)

// A model name read from a shared results CSV cannot send a figure outside
// the output folder: the figure file is named from Base of it.
func ExampleBase() {
	fmt.Println(safename.Base("resnet18"))
	fmt.Println(safename.Base("/../../x"))
	fmt.Println(safename.Base(".."))
	// Output:
	// resnet18
	// x-ec42fb00
	// _a3d4a70d
}
