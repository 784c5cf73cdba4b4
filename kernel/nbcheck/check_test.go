package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const good = `{"nbformat": 4, "nbformat_minor": 5,
 "metadata": {"kernelspec": {"name": "cimkit-go"}},
 "cells": [
  {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# title"},
  {"cell_type": "code", "id": "a", "execution_count": 1, "metadata": {"tags": ["table", "contains=fits: true"]},
   "source": ["kernel.Show(rows)\n"],
   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["fits: ", "true\n"]},
               {"output_type": "display_data", "data": {"text/html": ["<table>", "</table>"], "text/plain": "t"}, "metadata": {}}]},
  {"cell_type": "code", "id": "b", "execution_count": 2, "metadata": {"tags": ["figure"]},
   "source": "kernel.Show(p)", "outputs": [{"output_type": "display_data", "data": {"image/svg+xml": "<svg></svg>"}, "metadata": {}}]},
  {"cell_type": "code", "id": "c", "execution_count": 3, "metadata": {"tags": ["figure"]},
   "source": "", "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}}]},
  {"cell_type": "code", "id": "d", "execution_count": 4,
   "metadata": {"tags": ["table", "rows=2", "every=scheme=cyclic|linear", "column=layer=conv1|fc"]},
   "source": "kernel.Show(sel)", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"text/html":
   ["<table class=\"cimkit\" data-rows=\"2\">\n<thead><tr><th>layer</th><th>scheme</th></tr></thead>\n<tbody>\n",
    "<tr><td style=\"text-align:left\">conv1</td><td>cyclic</td></tr>\n",
    "<tr><td style=\"text-align:left\">fc</td><td>linear</td></tr>\n</tbody>\n</table>\n"]}}]}
 ]}`

func TestCheckGood(t *testing.T) {
	st, err := check([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if st != (stats{Cells: 4, Tables: 2, Figures: 2, CheckedTables: 1}) {
		t.Errorf("stats %+v", st)
	}
}

func TestCheckBad(t *testing.T) {
	cases := map[string]struct{ from, to, want string }{
		"kernel":       {`"name": "cimkit-go"`, `"name": "python3"`, `kernelspec "python3", want cimkit-go`},
		"not run":      {`"execution_count": 2`, `"execution_count": null`, `cell 2 (b) "kernel.Show(p)": not executed`},
		"no table":     {`"text/html": ["<table>", "</table>"]`, `"text/html": "<p>"`, `tagged "table" but shows no HTML table`},
		"no figure":    {`"image/svg+xml": "<svg></svg>"`, `"text/plain": "x"`, `tagged "figure" but shows no SVG or PNG figure`},
		"missing text": {`"true\n"`, `"false\n"`, `output does not contain "fits: true"`},
		"error": {`{"output_type": "stream", "name": "stdout"`,
			`{"output_type": "error", "ename": "panic", "evalue": "boom"}, {"output_type": "stream", "name": "stdout"`,
			`error output: panic: boom`},
		"stderr": {`{"output_type": "stream", "name": "stdout"`,
			`{"output_type": "stream", "name": "stderr", "text": ["panic: x\n", "goroutine 1\n"]}, {"output_type": "error", "ename": "ERROR", "evalue": "exit status 2"}, {"output_type": "stream", "name": "stdout"`,
			"error output: ERROR: exit status 2\n\tpanic: x\n\tgoroutine 1"},
		"format": {`"nbformat": 4`, `"nbformat": 3`, `nbformat 3, want 4`},
		// Table content: the 02 notebook's first table once showed 1246
		// rows of every crossbar where its text promised one configuration.
		"rows": {`data-rows=\"2\"`, `data-rows=\"1246\"`,
			`cell 4 (d) "kernel.Show(sel)": table has 1246 rows, tag rows=2`},
		"every": {`<td>linear</td>`, `<td>sequential</td>`,
			`row 1 has scheme = "sequential", tag every=scheme=cyclic|linear`},
		"column":        {`>fc</td>`, `>fc2</td>`, `column layer reads conv1|fc2 (2 rows in all), tag column=layer=conv1|fc`},
		"no column":     {`"every=scheme=`, `"every=bus=`, `table has no column "bus" (columns: layer, scheme)`},
		"bad rows tag":  {`"rows=2"`, `"rows=two"`, `tag "rows=two": want rows=N`},
		"bad every tag": {`"every=scheme=cyclic|linear"`, `"every=scheme"`, `tag "every=scheme": want every=COLUMN=VALUE|VALUE...`},
		"table tag, no table": {`"source": "kernel.Show(sel)", "outputs": [`, `"source": "kernel.Show(sel)", "outputs": [], "x": [`,
			`tagged "rows=" but shows no HTML table`},
		// What the kernel must never show in a cell.
		"escape codes": {`"true\n"`, `"true\u001b[0m\n"`, `output shows terminal escape codes`},
		"latest":       {`"true\n"`, `"true\n!go install golang.org/x/tools/gopls@latest\n"`, `output shows advice to install "@latest"`},
		"serif": {`"<svg></svg>"`, `"<svg><text style=\"font-family:Liberation Serif;\">x</text></svg>"`,
			`cell 2 (b) "kernel.Show(p)": figure drawn in a serif font`},
		"not json": {`{"nbformat"`, `{nbformat`, `not a notebook`},
	}
	for name, c := range cases {
		nb := strings.Replace(good, c.from, c.to, 1)
		if nb == good {
			t.Fatalf("%s: replacement did not apply", name)
		}
		_, err := check([]byte(nb))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

func TestCheckNoCode(t *testing.T) {
	_, err := check([]byte(`{"nbformat": 4, "metadata": {"kernelspec": {"name": "cimkit-go"}}, "cells": []}`))
	if err == nil || !strings.Contains(err.Error(), "no code cells") {
		t.Errorf("err = %v", err)
	}
}

func TestCheckFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nb.ipynb")
	if err := os.WriteFile(p, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := checkFile(p); err != nil {
		t.Error(err)
	}
	if _, err := checkFile(p + ".missing"); err == nil {
		t.Error("missing file: no error")
	}
}

// A table whose rows are cut at kernel.MaxRows still counts every row, and
// a column tag needs every row shown.
func TestParseTables(t *testing.T) {
	h := `<p>x</p><table class="cimkit" data-rows="40"><thead><tr><th>a</th><th>b &amp; c</th></tr></thead>
<tbody><tr><td style="text-align:right">1</td><td><b>x&lt;y</b></td></tr><tr><td>2</td></tr></tbody></table>
<p><em>… 38 more rows</em></p><table><tr><th>k</th></tr><tr><td>v</td></tr></table>`
	ts := parseTables(h)
	if len(ts) != 2 {
		t.Fatalf("%d tables", len(ts))
	}
	a, b := ts[0], ts[1]
	if strings.Join(a.header, "|") != "a|b & c" || a.total != 40 || len(a.rows) != 2 || a.rows[0][1] != "x<y" || a.cell(1, 1) != "" {
		t.Errorf("first table %+v", a)
	}
	if b.total != 1 || b.rows[0][0] != "v" {
		t.Errorf("second table %+v", b)
	}
	col, _, _ := parseTableTag("column=a=1|2")
	if err := col.check(a); err == nil || !strings.Contains(err.Error(), "40 rows in all") {
		t.Errorf("column tag on a cut table: %v", err)
	}
	every, _, _ := parseTableTag("every=a=1|2")
	if err := every.check(a); err != nil {
		t.Errorf("every tag: %v", err)
	}
	if _, ok, _ := parseTableTag("contains=rows=3"); ok {
		t.Error("contains= read as a table tag")
	}
}

// The standard error of nbconvert may hold its own progress lines only:
// the lines below are what gonb v0.11.5 printed at every kernel start.
func TestCheckLog(t *testing.T) {
	quiet := "[NbConvertApp] Converting notebook notebooks/01-quickstart.ipynb to notebook\n" +
		"[NbConvertApp] Writing 152113 bytes to out/notebooks/01-quickstart.ipynb\n"
	if err := checkLogText("01.stderr", quiet); err != nil {
		t.Errorf("quiet log: %v", err)
	}
	gonb := quiet + "E1130 21:10:28.584549   17350 main.go:191] \x1b[7;39;32m[4229b481]\x1b[0m Error message\n" +
		"Program gopls is not installed. It is used to inspect into code\n!go install golang.org/x/tools/gopls@latest\n"
	err := checkLogText("01.stderr", gonb)
	if err == nil || !strings.Contains(err.Error(), "01.stderr: terminal escape codes:") ||
		!strings.Contains(err.Error(), `main.go:191] \x1b[7;39;32m`) {
		t.Errorf("gonb's start-up noise: %v", err)
	}
	for _, text := range []string{"[NbConvertApp] WARNING | Kernel died\n", "Traceback (most recent call last):\n"} {
		if err := checkLogText("x.stderr", quiet+text); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
	// checkFile reads NAME.stderr next to NAME.ipynb.
	dir := t.TempDir()
	nb := filepath.Join(dir, "nb.ipynb")
	if err := os.WriteFile(nb, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nb.stderr"), []byte(gonb), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := checkFile(nb); err == nil || !strings.Contains(err.Error(), "nb.stderr: terminal escape codes") {
		t.Errorf("checkFile with a noisy log: %v", err)
	}
}

// The repository's notebooks carry table tags that nbcheck can read, and
// no tag nbformat would refuse (a comma), so that a typo in a tag does not
// wait for make test-notebooks to show.
func TestRepositoryNotebookTags(t *testing.T) {
	for name, nb := range repositoryNotebooks(t) {
		for i, c := range nb.Cells {
			for _, tag := range c.Metadata.Tags {
				if _, _, err := parseTableTag(tag); err != nil || strings.Contains(tag, ",") {
					t.Errorf("%s cell %d: tag %q: %v", name, i, tag, err)
				}
			}
		}
	}
}

// repositoryNotebooks reads the repository's notebooks (notebooks/*.ipynb),
// keyed by file name.
func repositoryNotebooks(t *testing.T) map[string]notebook {
	paths, err := filepath.Glob("../../notebooks/*.ipynb")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks: %v", err)
	}
	nbs := map[string]notebook{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var nb notebook
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		nbs[filepath.Base(p)] = nb
	}
	return nbs
}

// timingProse matches a chip timing stated as a number: "800-cycle MVMs",
// "3200 cycles per MVM", "a 1 GHz clock", "MVMCycles = 3200".
var timingProse = regexp.MustCompile(`(?i)\b\d[\d ,.]*(-cycle|\s*cycles? (per|of an?|for an?) (mvm|read|transaction)|\s*[gm]hz)\b|MVMCycles\s*=\s*\d`)

// The notebooks' prose (markdown and code comments) states no chip timing
// as a number: the defaults live in cim/arch and change (a notebook said
// "800-cycle MVMs" while arch.Default() had 3200). A notebook prints them
// from the code (kernel.ShowFields(arch.Default()), a.MVMCycles).
func TestRepositoryNotebookProse(t *testing.T) {
	for name, nb := range repositoryNotebooks(t) {
		for i, c := range nb.Cells {
			for _, line := range strings.Split(string(c.Source), "\n") {
				if c.Type == "code" {
					_, comment, ok := strings.Cut(line, "//")
					if !ok {
						continue
					}
					line = comment
				}
				if m := timingProse.FindString(line); m != "" {
					t.Errorf("%s cell %d states a timing in prose (%q): print it from cim/arch instead:\n\t%s",
						name, i, m, strings.TrimSpace(line))
				}
			}
		}
	}
}
