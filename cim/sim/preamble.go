package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
)

// SkipPreamble returns r without the lines that start with '#' before the
// first other line: a results CSV may open with such lines naming the
// configuration it came from (WritePreamble; cimkit's commands and the
// browser playground write them). Only lines before the header are
// skipped, so a later field that starts with '#' is data, as in any CSV.
func SkipPreamble(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if err != nil || b[0] != '#' {
			return br
		}
		for {
			// A long comment line is read in pieces: drop them all.
			if _, isPrefix, err := br.ReadLine(); err != nil || !isPrefix {
				break
			}
		}
	}
}

// WritePreamble writes lines as the preamble of a CSV, each as "# " and the
// line: results that name the chip and the command they came from, so
// that two files of different configurations can be told apart. A line
// break inside a line is written as \n, so that no line can end the
// preamble early. Readers skip the preamble (SkipPreamble).
func WritePreamble(w io.Writer, lines ...string) error {
	esc := strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "# %s\n", esc.Replace(l)); err != nil {
			return err
		}
	}
	return nil
}

// Preamble returns the preamble lines (WritePreamble) that name the chip a
// and the simulator's options opt of a run: every chip parameter as the
// arch JSON that arch.Load reads back, the simulator's options and the
// technology that priced the energy.
func Preamble(a arch.Arch, opt Options) []string {
	j, err := json.Marshal(a)
	if err != nil { // an Arch is plain numbers and strings
		j = []byte(fmt.Sprintf("%+v", a))
	}
	tech := energy.Default()
	if opt.Tech != nil {
		tech = opt.Tech
	}
	return []string{"arch: " + string(j), "simulator: " + opt.String(), "tech: " + tech.Name}
}

// String names the options that change a run's numbers, as
// "arbiter=oldest blocking_mvm=no".
func (o Options) String() string {
	b := "no"
	if o.BlockingMVM {
		b = "yes"
	}
	return "arbiter=" + o.Arbiter.String() + " blocking_mvm=" + b
}
