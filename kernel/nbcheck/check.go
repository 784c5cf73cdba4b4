package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// MaxNotebookBytes is the largest notebook file read.
const MaxNotebookBytes = 64 << 20

type notebook struct {
	NBFormat int `json:"nbformat"`
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []cell `json:"cells"`
}

type cell struct {
	Type     string   `json:"cell_type"`
	ID       string   `json:"id"`
	Source   lines    `json:"source"`
	ExecN    *int     `json:"execution_count"`
	Outputs  []output `json:"outputs"`
	Metadata struct {
		Tags []string `json:"tags"`
	} `json:"metadata"`
}

type output struct {
	Type  string           `json:"output_type"`
	Name  string           `json:"name"` // stream: stdout or stderr
	Text  lines            `json:"text"`
	Data  map[string]lines `json:"data"`
	EName string           `json:"ename"`
	Value string           `json:"evalue"`
}

// lines is a notebook text field: a string or a list of strings.
type lines string

// UnmarshalJSON reads either form, joining a list's strings.
func (l *lines) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = lines(s)
		return nil
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	*l = lines(strings.Join(parts, ""))
	return nil
}

// stats counts what a notebook showed.
type stats struct {
	Cells, Tables, Figures int
	CheckedTables          int // cells tagged "table" that also carry a content tag (rows=, every=, column=)
}

// checkFile reads and checks one executed notebook, and the standard error
// of its execution when there is one (see logOf).
func checkFile(path string) (stats, error) {
	st, err := checkNotebook(path)
	return st, errors.Join(err, checkLog(logOf(path)))
}

// checkNotebook reads and checks one executed notebook.
func checkNotebook(path string) (stats, error) {
	info, err := os.Stat(path)
	if err != nil {
		return stats{}, err
	}
	if info.Size() > MaxNotebookBytes {
		return stats{}, fmt.Errorf("%s: %d bytes, more than the %d accepted", path, info.Size(), MaxNotebookBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return stats{}, err
	}
	return check(data)
}

// check checks one executed notebook given as JSON. All problems are
// reported, one per line.
func check(data []byte) (stats, error) {
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		return stats{}, fmt.Errorf("not a notebook: %w", err)
	}
	var st stats
	var errs []error
	if nb.NBFormat != 4 {
		errs = append(errs, fmt.Errorf("nbformat %d, want 4", nb.NBFormat))
	}
	if k := nb.Metadata.Kernelspec.Name; k != "cimkit-go" {
		errs = append(errs, fmt.Errorf("kernelspec %q, want cimkit-go", k))
	}
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		st.Cells++
		where := fmt.Sprintf("cell %d (%s) %q", i, c.ID, firstLine(string(c.Source)))
		for _, err := range checkCell(c, &st) {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
	}
	if st.Cells == 0 {
		errs = append(errs, errors.New("no code cells"))
	}
	return st, errors.Join(errs...)
}

func checkCell(c cell, st *stats) []error {
	var errs []error
	if c.ExecN == nil {
		errs = append(errs, errors.New("not executed"))
	}
	for _, o := range c.Outputs {
		if o.Type == "error" {
			errs = append(errs, fmt.Errorf("error output: %s: %s%s", o.EName, o.Value, stderrOf(c)))
		}
		if what := noise(o.all() + o.Value); what != "" {
			errs = append(errs, fmt.Errorf("output shows %s", what))
		}
		if serif(o) {
			errs = append(errs, errors.New("figure drawn in a serif font: use package plots' style (plots.NewPanel, kernel.ShowPlot)"))
		}
	}
	tableErrs, checked := checkTables(c)
	errs = append(errs, tableErrs...)
	if checked && slices.Contains(c.Metadata.Tags, "table") {
		st.CheckedTables++
	}
	for _, tag := range c.Metadata.Tags {
		switch {
		case tag == "table":
			if !anyOutput(c.Outputs, isTable) {
				errs = append(errs, errors.New(`tagged "table" but shows no HTML table`))
			}
			st.Tables++
		case tag == "figure":
			if !anyOutput(c.Outputs, isFigure) {
				errs = append(errs, errors.New(`tagged "figure" but shows no SVG or PNG figure`))
			}
			st.Figures++
		case strings.HasPrefix(tag, "contains="):
			text := strings.TrimPrefix(tag, "contains=")
			if !anyOutput(c.Outputs, func(o output) bool { return strings.Contains(o.all(), text) }) {
				errs = append(errs, fmt.Errorf("output does not contain %q", text))
			}
		}
	}
	return errs
}

func anyOutput(outs []output, f func(output) bool) bool {
	for _, o := range outs {
		if f(o) {
			return true
		}
	}
	return false
}

func isTable(o output) bool { return strings.Contains(string(o.Data["text/html"]), "<table") }

func isFigure(o output) bool {
	h := string(o.Data["text/html"])
	return strings.Contains(string(o.Data["image/svg+xml"]), "<svg") || len(o.Data["image/png"]) > 0 ||
		strings.Contains(h, "<svg") || strings.Contains(h, "<img")
}

// all is every text the output carries.
func (o output) all() string {
	var b strings.Builder
	b.WriteString(string(o.Text))
	for _, v := range o.Data {
		b.WriteString(string(v))
	}
	return b.String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// stderrOf returns the first lines the cell wrote to standard error (a
// panic's message, a compiler's complaint), indented, or "".
func stderrOf(c cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if o.Type == "stream" && o.Name == "stderr" {
			b.WriteString(string(o.Text))
		}
	}
	ls := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(ls) == 1 && ls[0] == "" {
		return ""
	}
	if len(ls) > 12 {
		ls = append(ls[:12], "...")
	}
	return "\n\t" + strings.Join(ls, "\n\t")
}
