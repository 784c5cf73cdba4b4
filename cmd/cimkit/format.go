package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/cimkit/cimkit/internal/records"
)

// The output formats of the listing commands.
const (
	formatTable = "table"
	formatCSV   = "csv"
	formatJSON  = "json"
)

var formats = []string{formatTable, formatCSV, formatJSON}

// formatFlag registers the common --format flag on fs.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", formatTable, "output format: "+strings.Join(formats, "|"))
}

// parseListingFlags is parseFlags for the listing commands: it also checks
// the --format that formatFlag registered.
func parseListingFlags(fs *flag.FlagSet, args []string, format *string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return checkFormat(*format)
}

// checkFormat returns a usage error unless s is one of the accepted formats.
func checkFormat(s string) error {
	for _, f := range formats {
		if s == f {
			return nil
		}
	}
	return usagef("unknown --format %q: accepted values are %s", s, strings.Join(formats, "|"))
}

// emit writes a listing in the given format: an aligned text table (header,
// then rows), CSV with a header line, or JSON. For JSON, jsonRows is
// marshalled as it is; when nil, rows are written as an array of objects
// keyed by header (all values strings).
func emit(w io.Writer, format string, header []string, rows [][]string, jsonRows any) error {
	if err := checkFormat(format); err != nil {
		return err
	}
	for i, r := range rows {
		if len(r) != len(header) {
			return fmt.Errorf("emit: row %d has %d fields, header has %d", i, len(r), len(header))
		}
	}
	switch format {
	case formatCSV:
		return records.WriteCSV(w, header, rows)
	case formatJSON:
		return emitJSON(w, header, rows, jsonRows)
	}
	return emitTable(w, header, rows)
}

// emitTable writes an aligned text table. Cells are escaped with escape:
// a name read from a file (an ONNX node name) with a tab, a newline or an
// ANSI escape sequence cannot break the columns or drive the terminal.
func emitTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cells := make([]string, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			cells[i] = escape(c)
		}
		if _, err := fmt.Fprintln(tw, strings.Join(cells, "\t")); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// escape returns s ready to print on a terminal as one line: when s holds
// a control character (ESC, a tab, a newline...), another rune that is not
// graphic (such as a bidirectional override) or invalid UTF-8, the whole
// text is written as a Go string without its quotes ("conv\x1b[31m" shows
// as conv\x1b[31m); otherwise s is returned as it is.
func escape(s string) string {
	if printable(s) {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// termSafe is escape for messages of several lines: each line is escaped
// on its own and the line breaks are kept.
func termSafe(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = escape(l)
	}
	return strings.Join(lines, "\n")
}

// printable reports whether s is valid UTF-8 made of graphic runes only.
func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !strconv.IsGraphic(r) {
			return false
		}
	}
	return true
}

func emitJSON(w io.Writer, header []string, rows [][]string, jsonRows any) error {
	if jsonRows == nil {
		objs := make([]map[string]string, len(rows))
		for i, r := range rows {
			objs[i] = make(map[string]string, len(header))
			for j, h := range header {
				objs[i][h] = r[j]
			}
		}
		jsonRows = objs
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonRows)
}
