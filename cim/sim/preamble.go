package sim

import (
	"bufio"
	"io"
)

// SkipPreamble returns r without the lines that start with '#' before the
// first other line: a results CSV may open with such lines naming the
// configuration it came from (the browser playground writes them). Only
// lines before the header are skipped, so a later field that starts with
// '#' is data, as in any CSV.
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
