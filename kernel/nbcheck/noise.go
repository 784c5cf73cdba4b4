package main

import (
	"fmt"
	"os"
	"strings"
)

// noise returns what is wrong with text that a notebook or its kernel
// showed, or "": terminal colour codes (they print as garbage in a
// notebook and in CI logs), advice to install "@latest" versions (the
// module proxy here refuses them, and cimkit pins every version), and
// gonb's complaint that gopls is missing (the kernelspec keeps gonb's log
// in its log folder).
func noise(text string) string {
	switch {
	case strings.Contains(text, "\x1b["):
		return "terminal escape codes"
	case strings.Contains(text, "@latest"):
		return `advice to install "@latest"`
	case strings.Contains(text, "gopls is not installed"):
		return `gonb's "gopls is not installed" message`
	}
	return ""
}

// serif reports whether a figure's SVG (or HTML holding one) is drawn in a
// serif font: gonum/plot's default, where cimkit's figures use package
// plots' sans-serif style.
func serif(o output) bool {
	return strings.Contains(string(o.Data["image/svg+xml"])+string(o.Data["text/html"]), "Liberation Serif")
}

// MaxLogBytes is the largest kernel log read.
const MaxLogBytes = 16 << 20

// logOf returns the path of the standard error that nbconvert (and the
// kernel it started) wrote while executing the notebook at path:
// NAME.stderr next to NAME.ipynb (make test-notebooks writes it).
func logOf(path string) string {
	return strings.TrimSuffix(path, ".ipynb") + ".stderr"
}

// checkLog checks the standard error of a notebook's execution, if there
// is one: only nbconvert's own progress lines may appear there. Everything
// else (a kernel's log lines, escape codes, warnings) is what a user would
// see in the terminal at every kernel start. A missing file is no error.
func checkLog(path string) error {
	info, err := os.Stat(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Size() > MaxLogBytes {
		return fmt.Errorf("%s: %d bytes, more than the %d accepted", path, info.Size(), MaxLogBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return checkLogText(path, string(data))
}

// checkLogText checks the text of a log (see checkLog); name names it in
// the error, which quotes the first lines that should not be there.
func checkLogText(name, text string) error {
	var bad []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" || quietNbconvert(line) {
			continue
		}
		bad = append(bad, line)
	}
	if len(bad) == 0 {
		return nil
	}
	what := noise(strings.Join(bad, "\n"))
	if what == "" {
		what = "output other than nbconvert's progress"
	}
	if len(bad) > 8 {
		bad = append(bad[:8], fmt.Sprintf("... %d more lines", len(bad)-8))
	}
	return fmt.Errorf("%s: %s:\n\t%s", name, what, strings.ReplaceAll(strings.Join(bad, "\n\t"), "\x1b", `\x1b`))
}

// quietNbconvert reports whether line is one of nbconvert's own progress
// lines ("[NbConvertApp] Converting notebook ...", "... Writing N bytes
// ..."), not a warning or an error.
func quietNbconvert(line string) bool {
	rest, ok := strings.CutPrefix(line, "[NbConvertApp] ")
	if !ok {
		return false
	}
	for _, level := range []string{"WARNING", "ERROR", "CRITICAL"} {
		if strings.HasPrefix(rest, level) {
			return false
		}
	}
	return noise(rest) == ""
}
