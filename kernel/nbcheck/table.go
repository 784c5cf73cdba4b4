package main

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
)

// htmlTable is a table read back from a cell's text/html output.
type htmlTable struct {
	header []string
	rows   [][]string
	total  int // rows in all: data-rows when the table has it, else len(rows)
}

var (
	tableRE    = regexp.MustCompile(`(?s)<table\b([^>]*)>(.*?)</table>`)
	dataRowsRE = regexp.MustCompile(`\bdata-rows="(\d+)"`)
	rowRE      = regexp.MustCompile(`(?s)<tr\b[^>]*>(.*?)</tr>`)
	cellRE     = regexp.MustCompile(`(?s)<(th|td)\b[^>]*>(.*?)</(?:th|td)>`)
	tagRE      = regexp.MustCompile(`<[^>]*>`)
)

// parseTables reads every <table> of an HTML text: the first row of <th>
// cells is the header, rows of <td> cells are the body. Cell text has its
// tags removed and its entities decoded. kernel's tables (kernel.Grid) say
// in data-rows how many rows they have in all, shown or not.
func parseTables(h string) []htmlTable {
	var out []htmlTable
	for _, m := range tableRE.FindAllStringSubmatch(h, -1) {
		var t htmlTable
		for _, r := range rowRE.FindAllStringSubmatch(m[2], -1) {
			var cells []string
			head := false
			for _, c := range cellRE.FindAllStringSubmatch(r[1], -1) {
				cells = append(cells, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(c[2], ""))))
				head = head || c[1] == "th"
			}
			if head && t.header == nil {
				t.header = cells
			} else if !head {
				t.rows = append(t.rows, cells)
			}
		}
		t.total = len(t.rows)
		if d := dataRowsRE.FindStringSubmatch(m[1]); d != nil {
			t.total, _ = strconv.Atoi(d[1])
		}
		out = append(out, t)
	}
	return out
}

// column returns the index of the header cell named name, or -1.
func (t htmlTable) column(name string) int {
	for i, h := range t.header {
		if h == name {
			return i
		}
	}
	return -1
}

// cell returns row i's cell in column j ("" past the row's end).
func (t htmlTable) cell(i, j int) string {
	if j < len(t.rows[i]) {
		return t.rows[i][j]
	}
	return ""
}

// tableTag is a tag that checks the content of a cell's tables:
//
//	rows=N             the table has N rows in all
//	every=COL=A|B      every row shown has A or B in column COL
//	column=COL=A|B|C   column COL reads A, B, C from top to bottom (all rows shown)
//
// Tags cannot hold commas (nbformat forbids them), hence the "|".
type tableTag struct {
	kind   string // "rows", "every" or "column"
	col    string
	values []string
	rows   int
}

// parseTableTag parses tag; ok is false when it is not a table tag, and
// err says what is wrong with a table tag that cannot be read.
func parseTableTag(tag string) (t tableTag, ok bool, err error) {
	kind, rest, found := strings.Cut(tag, "=")
	if !found || (kind != "rows" && kind != "every" && kind != "column") {
		return t, false, nil
	}
	t.kind = kind
	if kind == "rows" {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return t, true, fmt.Errorf("tag %q: want rows=N with N a row count", tag)
		}
		t.rows = n
		return t, true, nil
	}
	col, vals, found := strings.Cut(rest, "=")
	if !found || col == "" {
		return t, true, fmt.Errorf("tag %q: want %s=COLUMN=VALUE|VALUE...", tag, kind)
	}
	t.col, t.values = col, strings.Split(vals, "|")
	return t, true, nil
}

// check reports how table tb breaks the tag, or nil.
func (t tableTag) check(tb htmlTable) error {
	if t.kind == "rows" {
		if tb.total != t.rows {
			return fmt.Errorf("table has %d rows, tag rows=%d", tb.total, t.rows)
		}
		return nil
	}
	j := tb.column(t.col)
	if j < 0 {
		return fmt.Errorf("table has no column %q (columns: %s)", t.col, strings.Join(tb.header, ", "))
	}
	if t.kind == "every" {
		for i := range tb.rows {
			if v := tb.cell(i, j); !contains(t.values, v) {
				return fmt.Errorf("row %d has %s = %q, tag every=%s=%s", i, t.col, v, t.col, strings.Join(t.values, "|"))
			}
		}
		return nil
	}
	var got []string
	for i := range tb.rows {
		got = append(got, tb.cell(i, j))
	}
	if strings.Join(got, "|") != strings.Join(t.values, "|") || tb.total != len(tb.rows) {
		return fmt.Errorf("column %s reads %s (%d rows in all), tag column=%s=%s",
			t.col, strings.Join(got, "|"), tb.total, t.col, strings.Join(t.values, "|"))
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// checkTables applies the cell's table tags to every table the cell shows;
// checked reports whether the cell has any.
func checkTables(c cell) (errs []error, checked bool) {
	var tags []tableTag
	for _, tag := range c.Metadata.Tags {
		t, ok, err := parseTableTag(tag)
		if err != nil {
			errs = append(errs, err)
		}
		if ok && err == nil {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return errs, false
	}
	var tables []htmlTable
	for _, o := range c.Outputs {
		tables = append(tables, parseTables(string(o.Data["text/html"]))...)
	}
	if len(tables) == 0 {
		return append(errs, fmt.Errorf("tagged %q but shows no HTML table", tags[0].kind+"=")), true
	}
	for k, tb := range tables {
		for _, t := range tags {
			if err := t.check(tb); err != nil {
				if len(tables) > 1 {
					err = fmt.Errorf("table %d: %w", k+1, err)
				}
				errs = append(errs, err)
			}
		}
	}
	return errs, true
}
