package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// HTML writes the report page: the claims next to the measurements, the
// summary table, the figures with links to every format, and per-layer
// tables. Figures are referenced in figures/ and results in results.csv.
func (r *Report) HTML(w io.Writer) error {
	return page.Execute(w, r.view())
}

type figView struct {
	Name, Caption, Src string
	Links              []linkView
}

type linkView struct{ Href, Text string }

type layerTable struct {
	Title  string
	Header []string
	Rows   [][]string
}

type pageView struct {
	Config       string
	Timing       string
	Interconnect string     // the main interconnect: the claims, summary and tables are about it
	Carried      [][]string // bus width x interconnect: most cores at 90% of PV
	CarriedHead  []string
	Claims       []Claim
	SumHeader    []string
	Summary      [][]string
	Figures      []figView
	Tables       []layerTable
	Holds        int
	EnHeader     []string
	Energy       [][]string
	Tech         string
	Network      *networkView // the whole-network section (nil: none)
}

func (r *Report) view() pageView {
	c := r.Config
	v := pageView{
		Config:       c.sweepLine(),
		Timing:       c.timingLine(),
		Interconnect: plots.InterconnectName(c.interconnects()[0]),
		Claims:       r.Claims,
		SumHeader:    summaryHeader,
	}
	for _, cl := range r.Claims {
		if cl.Verdict == Holds {
			v.Holds++
		}
	}
	for _, s := range r.Summary() {
		v.Summary = append(v.Summary, s.cells())
	}
	v.CarriedHead, v.Carried = r.carriedTable()
	for _, f := range r.Figures {
		v.Figures = append(v.Figures, r.figView(f))
	}
	v.Tables = r.layerTables()
	v.EnHeader, v.Tech = energyHeader, r.techNote()
	for _, e := range r.Energy() {
		v.Energy = append(v.Energy, e.cells())
	}
	v.Network = r.networkView()
	return v
}

// timingLine describes the chip's timing and widths.
func (c Config) timingLine() string {
	a := c.Arch()
	return fmt.Sprintf("MVM %d cycles, digital op %d cycles, %s, %d B activations, %d B partial sums, "+
		"%d B sequence registers%s", a.MVMCycles, a.DigitalCycles, busTiming(a), a.ActBytes, a.PsumBytes, a.SeqRegBytes,
		defaultsNote(c))
}

// busTiming describes the interconnects' timing parameters.
func busTiming(a arch.Arch) string {
	return fmt.Sprintf("shared bus: %d cycles of overhead per burst of at most %d beats; AXI4: %d transactions in "+
		"flight per core, %d cycles of latency", a.BusOverheadCycles, a.BurstBeats, a.AXIOutstanding, a.AXILatencyCycles)
}

// carriedTable is the table of Report.Carried: one row per bus width, one
// column per interconnect.
func (r *Report) carriedTable() (head []string, rows [][]string) {
	ics := r.Config.interconnects()
	head = []string{"bus"}
	for _, ic := range ics {
		head = append(head, plots.InterconnectName(ic))
	}
	cell := map[[2]string]string{}
	var buses []int
	for _, k := range r.Carried() {
		if !slices.Contains(buses, k.Bus) {
			buses = append(buses, k.Bus)
		}
		v := "none"
		if k.Cores > 0 {
			v = fmt.Sprintf("%d (%s %s, %dx%d)", k.Cores, k.Model, k.Layer, k.Xbar, k.Xbar)
		}
		cell[[2]string{fmt.Sprint(k.Bus), k.Interconnect}] = v
	}
	slices.Sort(buses)
	for _, b := range buses {
		row := []string{fmt.Sprintf("%d B", b)}
		for _, ic := range ics {
			row = append(row, cell[[2]string{fmt.Sprint(b), ic}])
		}
		rows = append(rows, row)
	}
	return head, rows
}

// defaultsNote says where the timing comes from when it is cim/arch's.
func defaultsNote(c Config) string {
	if c.Arch() == arch.Default() {
		return " (cim/arch defaults)"
	}
	return ""
}

func list[T any](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

func (r *Report) figView(f *plots.Figure) figView {
	v := figView{Name: f.Name, Caption: f.Caption}
	for _, format := range r.Config.Formats {
		for _, s := range r.Config.Sizes {
			name := f.FileName(format, s)
			v.Links = append(v.Links, linkView{"figures/" + name, fmt.Sprintf("%s %s", strings.ToUpper(string(format)), s.Name)})
			if v.Src == "" || (format == plots.SVG && s == plots.TwoColumn) {
				v.Src = "figures/" + name
			}
		}
	}
	return v
}

var layerHeader = []string{"layer", "xbar", "PV", "PH", "cores", "fits", "vectors", "speedup",
	"efficiency", "bus limit", "sync", "bus util."}

// layerTables gives, per model, every layer on every crossbar at the
// widest bus and largest budget under the standard scheme.
func (r *Report) layerTables() []layerTable {
	ch, err := plots.Choose(r.Frame)
	if err != nil {
		return nil
	}
	var out []layerTable
	for _, m := range ch.Models {
		t := layerTable{Title: fmt.Sprintf("%s, %s scheme, %d B bus, %d cores, %s", m, ch.Scheme, ch.Bus, ch.Cores,
			plots.InterconnectName(r.Config.interconnects()[0])),
			Header: layerHeader}
		for _, x := range r.main() {
			if x.Model == m && x.Scheme == ch.Scheme && x.BusBytes == ch.Bus && x.CoresBudget == ch.Cores {
				t.Rows = append(t.Rows, layerCells(x))
			}
		}
		out = append(out, t)
	}
	return out
}

func layerCells(x sim.Result) []string {
	c := []string{x.Layer, fmt.Sprintf("%dx%d", x.XbarRows, x.XbarCols), fmt.Sprint(x.PV), fmt.Sprint(x.PH),
		fmt.Sprint(x.Cores), fmt.Sprint(x.Fits), fmt.Sprint(x.Vectors)}
	if !x.Fits {
		return append(c, "", "", "", "", "")
	}
	return append(c, fmt.Sprintf("%.2f", x.Speedup), fmt.Sprintf("%.1f%%", 100*x.Efficiency),
		fmt.Sprintf("%.1f", x.BusLimit), fmt.Sprintf("%.2f%%", 100*x.Overhead), fmt.Sprintf("%.0f%%", 100*x.BusUtilization))
}

var page = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cimkit: reproduction of Pelke et al., VLSI-SoC 2023</title>
<style>
body{font-family:system-ui,-apple-system,"Liberation Sans",sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e4e4e4;padding:.25rem .6rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.v{font-weight:bold;padding:.1rem .45rem;border-radius:.3rem;white-space:nowrap}
.v-holds{background:#009E73;color:#fff}.v-partly{background:#E69F00;color:#000}
.v-fails{background:#D55E00;color:#fff}.v-no.data{background:#999;color:#fff}
figure{margin:1.5rem 0}figure img{width:100%;border:1px solid #eee}
figcaption{font-size:.9rem;color:#444}.links a{margin-right:.6rem;font-size:.85rem}
.small{font-size:.85rem;color:#555}
</style></head><body>
<h1>cimkit: the paper's evaluation, reproduced</h1>
<p>R. Pelke et al., <i>Mapping of CNNs on multi-core RRAM-based CIM architectures</i>, VLSI-SoC 2023.
Every conv layer is mapped, compiled for each synchronisation scheme and simulated on its own, as in the paper.</p>
<p class="small">Sweep: {{.Config}}.<br>Timing: {{.Timing}}.
Raw results: <a href="results.csv">results.csv</a> (one row per layer and configuration).</p>

<h2>The paper's claims on the {{.Interconnect}} ({{.Holds}} of {{len .Claims}} hold)</h2>
<table><tr><th>claim (paper)</th><th>how cimkit checks it</th><th>measured</th><th>verdict</th></tr>
{{range .Claims}}<tr><td>{{.Paper}}</td><td class="small">{{.Checked}}</td><td>{{.Measured}}</td>
<td><span class="v v-{{.Verdict}}">{{.Verdict}}</span></td></tr>
{{end}}</table>

<h2>Cores carried near the limit, per interconnect</h2>
<p class="small">The most cores of a conv layer whose cyclic run reaches 90% of PV, per bus width (the paper: about 16 at 4 B, up to 512 at 64 B).
The claims, the summary and the per-layer tables below are about the {{.Interconnect}}.</p>
<table><tr>{{range .CarriedHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Carried}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>

<h2>Summary</h2>
<table><tr>{{range .SumHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .Summary}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<p class="small">Efficiency is speedup over the sequential scheme divided by the limit PV, over layers with PV &gt; 1 that fit.
Model speedup: all conv layers run one after another, sequential over the scheme.</p>

<h2>Energy and area</h2>
<table><tr>{{range .EnHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .Energy}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<p class="small">Technology {{.Tech}} (cim/energy). Energy of the conv layers that fit, run one after another, under the
standard scheme at the largest core budget; when all fit, one inference's conv layers. Area: the chip that runs them
(the most cores and the most shared memory any layer uses, and its bus). Sync energy: CALL transfers, sequence-register
writes, WAIT checks and the registers' leakage; PUMA sync / ours: what a PUMA-style attribute buffer for the same shared
data would spend instead (attribute accesses and leakage), as a multiple of it.</p>

<h2>Figures</h2>
{{range .Figures}}<figure id="{{.Name}}"><img src="{{.Src}}" alt="{{.Caption}}">
<figcaption>{{.Caption}}<div class="links">{{range .Links}}<a href="{{.Href}}">{{.Text}}</a>{{end}}</div></figcaption></figure>
{{end}}

{{with .Network}}<h2 id="network">Whole networks</h2>
<p>Each network placed on the chip at once (every weight resident, or in segments), digital layers on cores of their
own, layers waiting for their input rows through sequence registers: layer by layer, pipelined across layers, and
pipelined with the bottleneck layers duplicated on spare cores (cim/netsim, <code>cimkit net</code>).</p>
<p class="small">Runs: {{.Note}}.{{if .Why}} {{.Why}}{{end}}<br>
Raw results: <a href="{{.File}}">{{.File}}</a> (one row per run), <a href="{{.LayersFile}}">{{.LayersFile}}</a>
(one row per layer of each run).</p>
<table><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<p class="small">Latencies are those of the first image. Speedup: layer-by-layer latency over pipelined; dup. gain:
pipelined over pipelined with duplication; copies: weight copies beyond the first; images/s: the fastest run's
throughput{{if eq .Images 1}} (one image in flight: 1 / latency){{end}}; bottleneck: the layer with the largest share
of the critical path in that run.</p>
{{range .Figures}}<figure id="{{.Name}}"><img src="{{.Src}}" alt="{{.Caption}}">
<figcaption>{{.Caption}}<div class="links">{{range .Links}}<a href="{{.Href}}">{{.Text}}</a>{{end}}</div></figcaption></figure>
{{end}}{{end}}
<h2>Per-layer results</h2>
{{range .Tables}}<details><summary>{{.Title}}</summary>
<table><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></details>
{{end}}
</body></html>
`))
