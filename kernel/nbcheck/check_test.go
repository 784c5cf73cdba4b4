package main

import (
	"os"
	"path/filepath"
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
   "source": "", "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}}]}
 ]}`

func TestCheckGood(t *testing.T) {
	st, err := check([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if st != (stats{Cells: 3, Tables: 1, Figures: 2}) {
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
		"format":   {`"nbformat": 4`, `"nbformat": 3`, `nbformat 3, want 4`},
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
