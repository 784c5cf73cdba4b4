package playground

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
)

// RunConfig is a checked configuration as the page keeps it with its
// results: the request's values in canonical form (defaults filled in,
// Params only where they differ from the defaults), a label for people,
// a base for file names, the whole chip and the technology. The page
// labels results, names downloads, writes the CSV preamble and the URL
// from the RunConfig of the run it shows, never from the form, so that
// results of one configuration are never shown or saved under another.
type RunConfig struct {
	Model  string            `json:"model"`
	Input  int               `json:"input"`
	Xbar   string            `json:"xbar"`
	Bus    int               `json:"bus"`
	Cores  int               `json:"cores"`
	Scheme string            `json:"scheme"`
	Params map[string]string `json:"params,omitempty"` // changed chip and simulator parameters
	// Tech is the technology (Request.Tech: default, isaac or file:NAME),
	// TechName its own name, and TechJSON an uploaded file's text, which
	// follow-up requests send back (the file is in no link).
	Tech     string `json:"tech"`
	TechName string `json:"tech_name"`
	TechJSON string `json:"tech_json,omitempty"`

	Label string    `json:"label"` // e.g. "resnet18 at 224 px, 64x64 crossbars, 16 B bus, 1024 cores, cyclic"
	File  string    `json:"file"`  // e.g. "resnet18-224px-64x64-bus16-cores1024-cyclic"
	Arch  arch.Arch `json:"arch"`  // every chip parameter
	Sim   string    `json:"sim"`   // the simulator's options, e.g. "arbiter=oldest blocking_mvm=no"
}

// runConfig describes c.
func (c *config) runConfig() RunConfig {
	a := c.arch
	rc := RunConfig{Model: c.model, Input: c.input, Xbar: fmt.Sprintf("%dx%d", a.XbarRows, a.XbarCols),
		Bus: a.BusBytes, Cores: a.Cores, Scheme: string(c.scheme), Params: changedParams(c), Arch: a,
		Tech: c.tech, TechName: c.opt.Tech.Name, TechJSON: c.techJSON}
	rc.Label = fmt.Sprintf("%s at %d px, %s crossbars, %d B bus, %d cores, %s", rc.Model, rc.Input, rc.Xbar,
		rc.Bus, rc.Cores, rc.Scheme)
	rc.File = fmt.Sprintf("%s-%dpx-%s-bus%d-cores%d-%s", rc.Model, rc.Input, rc.Xbar, rc.Bus, rc.Cores, rc.Scheme)
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(rc.Params)) {
		changed = append(changed, k+"="+rc.Params[k])
		rc.File += "-" + k + rc.Params[k]
	}
	if rc.Tech != TechDefault {
		changed = append(changed, "tech="+rc.Tech)
		rc.File += "-tech" + rc.Tech
	}
	if len(changed) > 0 {
		rc.Label += "; " + strings.Join(changed, ", ")
	}
	rc.File = safeName(rc.File)
	rc.Sim = fmt.Sprintf("%s=%s %s=%s", paramArbiter, c.opt.Arbiter, paramBlockingMVM, yesNo(c.opt.BlockingMVM))
	return rc
}

// safeName replaces each run of characters other than letters, digits and
// ._=- by one underscore: an ONNX model's name comes from the user's file.
// (No regexp: it would add a tenth of a megabyte to the wasm.)
func safeName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._=-", r))
		switch {
		case ok:
			b.WriteRune(r)
			under = false
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	return b.String()
}
