package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sweep"
	"github.com/cimkit/cimkit/plots"
)

// The whole-network records in a report's folder (cimkit plot --in
// DIR/results.csv draws their figures too).
const (
	NetworkFile       = "network.csv"        // one netsim.Result per run
	NetworkLayersFile = "network_layers.csv" // one netsim.LayerResult per layer of each run
)

// NetworkConfig chooses the whole-network runs of a report (cim/netsim,
// through sweep.RunNetworks): each listed model on its crossbar size,
// layer by layer, pipelined and, for runs that ask for it, pipelined with
// the bottleneck layers duplicated, on one bus width, core budget and
// scheme. Only the runs within the report's models and crossbar sizes run
// (NetworkConfig.Within); none: no whole-network section.
type NetworkConfig struct {
	Runs     []NetworkRun
	Bus      int            // bus width in bytes
	Cores    int            // core budget
	Scheme   compile.Scheme // scheme inside layers
	Images   int            // images streamed per run
	Segments bool           // networks larger than the chip run in segments
	Why      string         // why these runs, for the page (may be empty)
}

// NetworkRun is one model on one crossbar size.
type NetworkRun struct {
	Model     string
	Xbar      sweep.Xbar
	Duplicate bool // add the run with duplicated bottleneck layers
}

// String writes the run as MODEL@ROWS (square crossbars) or MODEL@RxC,
// with "+dup" when it duplicates.
func (n NetworkRun) String() string {
	s := n.Model + "@" + n.Xbar.String()
	if n.Xbar.Rows == n.Xbar.Cols {
		s = n.Model + "@" + strconv.Itoa(n.Xbar.Rows)
	}
	if n.Duplicate {
		s += "+dup"
	}
	return s
}

// ParseNetworkRuns reads a comma-separated list of MODEL@XBAR[+dup] (XBAR
// as N or RxC; +dup adds the duplicated run), e.g.
// "resnet18@64+dup,mobilenet_v1@128"; "none" is the empty list.
func ParseNetworkRuns(s string) ([]NetworkRun, error) {
	if strings.TrimSpace(s) == "none" {
		return nil, nil
	}
	var out []NetworkRun
	for _, f := range strings.Split(s, ",") {
		run, dup := strings.CutSuffix(strings.TrimSpace(f), "+dup")
		model, x, ok := strings.Cut(run, "@")
		if !ok || model == "" {
			return nil, fmt.Errorf("%q: want MODEL@XBAR or MODEL@XBAR+dup, e.g. resnet18@64+dup (or none)", f)
		}
		xs, err := sweep.ParseXbars(x)
		if err != nil || len(xs) != 1 {
			return nil, fmt.Errorf("%q: crossbar %q: want N or RxC", f, x)
		}
		out = append(out, NetworkRun{Model: model, Xbar: xs[0], Duplicate: dup})
	}
	return out, nil
}

// DefaultNetwork returns the report's whole-network runs: ResNet-18 and
// MobileNet v1 on 32x32, 64x64 and 128x128 crossbars (in segments where
// they do not fit 1024 cores), on a 16 B bus under the linear scheme (a
// cyclic layer passes its outputs on once per image, see cim/netprog), one
// image per run; ResNet-18 on 64x64 and 128x128 also duplicated. The other
// runs leave duplication out for time (Why says so on the page): netsim's
// duplication search simulates the network again and again (MobileNet v1
// on 128x128, AXI4: the duplicated pipelined run takes about four times
// the CPU time of the plain one, 18.4 s to 4.3 s, measured with cimkit net
// --mode pipelined with and without --duplicate), and the whole networks add
// about a fifth to make run's time (39 s of CPU time to 190 s at 89486c2,
// measured with /usr/bin/time on cimkit run --network none against the
// default).
func DefaultNetwork() NetworkConfig {
	x32, x64, x128 := sweep.Xbar{Rows: 32, Cols: 32}, sweep.Xbar{Rows: 64, Cols: 64}, sweep.Xbar{Rows: 128, Cols: 128}
	return NetworkConfig{
		Runs: []NetworkRun{{"resnet18", x32, false}, {"resnet18", x64, true}, {"resnet18", x128, true},
			{"mobilenet_v1", x32, false}, {"mobilenet_v1", x64, false}, {"mobilenet_v1", x128, false}},
		Bus: 16, Cores: 1024, Scheme: compile.Linear, Images: 1, Segments: true,
		Why: "Only ResNet-18 on 64x64 and 128x128 crossbars is also run with duplication, so that the whole " +
			"networks add about a fifth to the time of make run: the greedy duplication search simulates a network " +
			"several times (MobileNet v1 on 128x128: the duplicated run takes about four times the CPU time of the plain " +
			"pipelined one). cimkit net --duplicate and " +
			"cimkit sweep --network --duplicate run the others.",
	}
}

// Within keeps the runs whose model is among models and whose crossbar
// is among xbars.
func (n NetworkConfig) Within(models []string, xbars []sweep.Xbar) NetworkConfig {
	var runs []NetworkRun
	for _, r := range n.Runs {
		if slices.Contains(models, r.Model) && slices.Contains(xbars, r.Xbar) {
			runs = append(runs, r)
		}
	}
	if len(runs) < len(n.Runs) {
		n.Why = "" // it spoke of the runs left out
	}
	n.Runs = runs
	return n
}

// runNetworks runs the configured whole networks (none without Runs), in
// the order of Runs: those with and those without duplication as two
// sweeps.
func runNetworks(ctx context.Context, cfg Config, progress func(done, total int)) ([]netsim.Result, []netsim.LayerResult, error) {
	nc := cfg.Network
	if len(nc.Runs) == 0 {
		return nil, nil, nil
	}
	done := 0
	if progress != nil {
		progress(0, len(nc.Runs)) // one configuration per run
	}
	byRun := map[string][]netsim.Result{}
	layersByRun := map[string][]netsim.LayerResult{}
	for _, dup := range []bool{true, false} {
		sp := sweep.Spec{Buses: []int{nc.Bus}, Cores: []int{nc.Cores}, Schemes: []compile.Scheme{nc.Scheme}, Base: cfg.Base}
		want := map[string]bool{}
		for _, r := range nc.Runs {
			if r.Duplicate != dup {
				continue
			}
			want[r.String()] = true
			if !slices.Contains(sp.Xbars, r.Xbar) {
				sp.Xbars = append(sp.Xbars, r.Xbar)
			}
			if !slices.ContainsFunc(sp.Models, func(n *nn.Network) bool { return n.Name == r.Model }) {
				nets, err := models(Config{Models: []string{r.Model}, Input: cfg.Input})
				if err != nil {
					return nil, nil, err
				}
				sp.Models = append(sp.Models, nets[0])
			}
		}
		if len(want) == 0 {
			continue
		}
		base := done
		if progress != nil {
			sp.Progress = func(d, _ int) { done = base + d; progress(done, len(nc.Runs)) }
		}
		keep := func(model string, x sweep.Xbar) bool { return want[NetworkRun{model, x, dup}.String()] }
		rs, ls, err := sweep.RunNetworks(ctx, sp, sweep.Network{Images: nc.Images, Segments: nc.Segments,
			Duplicate: dup, Keep: keep})
		if err != nil {
			return nil, nil, fmt.Errorf("report: whole networks: %w", err)
		}
		for _, r := range rs {
			k := NetworkRun{r.Model, sweep.Xbar{Rows: r.XbarRows, Cols: r.XbarCols}, dup}.String()
			byRun[k] = append(byRun[k], r)
		}
		for _, l := range ls {
			k := NetworkRun{l.Model, sweep.Xbar{Rows: l.XbarRows, Cols: l.XbarCols}, dup}.String()
			layersByRun[k] = append(layersByRun[k], l)
		}
	}
	var rs []netsim.Result
	var ls []netsim.LayerResult
	for _, r := range nc.Runs {
		rs = append(rs, byRun[r.String()]...)
		ls = append(ls, layersByRun[r.String()]...)
	}
	return rs, ls, nil
}

// networkFigures draws the speedup figure and a timeline per model.
func (r *Report) networkFigures() error {
	if len(r.Network) == 0 {
		return nil
	}
	figs, err := plots.NetworkStandard(netsim.DataFrame(r.Network), netsim.LayersDataFrame(r.NetworkLayers))
	if err != nil {
		return fmt.Errorf("report: whole networks: %w", err)
	}
	r.NetworkFigures = figs
	return nil
}

// writeNetwork writes the network records into the report's folder.
func (r *Report) writeNetwork(root *os.Root) error {
	if len(r.Network) == 0 {
		return nil
	}
	if err := r.writeCSV(root, NetworkFile, func(w io.Writer) error { return netsim.WriteCSV(w, r.Network) }); err != nil {
		return err
	}
	return r.writeCSV(root, NetworkLayersFile, func(w io.Writer) error { return netsim.WriteLayersCSV(w, r.NetworkLayers) })
}

// NetworkRow is one model on one crossbar size in the report's
// whole-network table: its runs side by side.
type NetworkRow struct {
	Model      string
	Xbar       int
	Segments   int     // chip programs in sequence (1: all weights resident)
	Cores      int     // cores used by the duplicated run (or the pipelined one)
	LayerUs    float64 // latency layer by layer, microseconds
	PipeUs     float64 // latency pipelined
	DupUs      float64 // latency pipelined with duplication (0: not run)
	Speedup    float64 // layer by layer over pipelined
	DupGain    float64 // pipelined over duplicated
	ImagesPerS float64 // throughput of the fastest run
	Bottleneck string  // bottleneck layer of the fastest run, with its critical-path share
	Copies     int     // weight copies beyond the first in the duplicated run
}

// NetworkTable returns one row per model and crossbar size of the
// whole-network runs, in run order.
func (r *Report) NetworkTable() []NetworkRow {
	var out []NetworkRow
	idx := map[string]int{}
	for _, x := range r.Network {
		k := fmt.Sprintf("%s/%d", x.Model, x.XbarRows)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, NetworkRow{Model: x.Model, Xbar: x.XbarRows, Segments: x.Segments})
		}
		row := &out[i]
		switch {
		case x.Mode == "layer":
			row.LayerUs = x.LatencyUs
		case x.Duplicate:
			row.DupUs, row.DupGain, row.Copies = x.LatencyUs, x.DupGain, x.Copies
		default:
			row.PipeUs, row.Speedup = x.LatencyUs, x.Speedup
		}
		if x.Mode != "layer" && (row.ImagesPerS == 0 || x.ImagesPerS > row.ImagesPerS) {
			row.ImagesPerS, row.Cores = x.ImagesPerS, x.Cores
			row.Bottleneck = fmt.Sprintf("%s (%.0f%%)", x.Bottleneck, 100*x.BottleneckShare)
		}
	}
	return out
}

var networkHeader = []string{"model", "crossbar", "segments", "cores", "layer by layer (ms)", "pipelined (ms)",
	"speedup", "duplicated (ms)", "dup. gain", "copies", "images/s", "bottleneck (critical-path share)"}

func (n NetworkRow) cells() []string {
	ms := func(us float64) string {
		if us == 0 {
			return ""
		}
		return fmt.Sprintf("%.2f", us/1000)
	}
	x := func(v float64) string {
		if v == 0 {
			return ""
		}
		return fmt.Sprintf("%.2fx", v)
	}
	copies := ""
	if n.DupUs > 0 {
		copies = fmt.Sprint(n.Copies)
	}
	return []string{n.Model, fmt.Sprintf("%dx%d", n.Xbar, n.Xbar), fmt.Sprint(n.Segments), fmt.Sprint(n.Cores),
		ms(n.LayerUs), ms(n.PipeUs), x(n.Speedup), ms(n.DupUs), x(n.DupGain), copies,
		fmt.Sprintf("%.1f", n.ImagesPerS), n.Bottleneck}
}

// networkNote says what the whole-network section ran, for the page.
func (c Config) networkNote() string {
	n := c.Network
	var runs []string
	for _, r := range n.Runs {
		runs = append(runs, r.String())
	}
	images := "one image per run"
	if n.Images > 1 {
		images = fmt.Sprintf("%d images streamed per run", n.Images)
	}
	s := fmt.Sprintf("%s at %dx%d; %d B %s interconnect, %d cores, %s scheme inside layers, %s",
		strings.Join(runs, ", "), c.Input, c.Input, n.Bus, c.Arch().Interconnect, n.Cores, n.Scheme, images)
	if n.Segments {
		s += "; a network larger than the chip runs in segments, the crossbars reprogrammed in between"
	}
	return s
}

// networkView is the whole-network section of the page.
type networkView struct {
	Note, Why        string
	File, LayersFile string
	Images           int
	Header           []string
	Rows             [][]string
	Figures          []figView
}

func (r *Report) networkView() *networkView {
	if len(r.Network) == 0 {
		return nil
	}
	v := &networkView{Note: r.Config.networkNote(), Why: r.Config.Network.Why, File: NetworkFile,
		LayersFile: NetworkLayersFile, Images: r.Config.Network.Images, Header: networkHeader}
	for _, row := range r.NetworkTable() {
		v.Rows = append(v.Rows, row.cells())
	}
	for _, f := range r.NetworkFigures {
		v.Figures = append(v.Figures, r.figView(f))
	}
	return v
}

// writeNetworkSummary prints the whole-network table as aligned text
// (nothing without network runs).
func (r *Report) writeNetworkSummary(w io.Writer) error {
	rows := r.NetworkTable()
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nWhole networks (%s):\n\n", r.Config.networkNote())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(networkHeader, "\t"))
	for _, n := range rows {
		fmt.Fprintln(tw, strings.Join(n.cells(), "\t"))
	}
	return tw.Flush()
}
