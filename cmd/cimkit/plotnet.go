package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/plots"
	"github.com/cimkit/cimkit/plots/report"
)

// networkPlotFlags are the flags of "cimkit plot" for whole-network
// records (cimkit sweep --network, the report's network files).
type networkPlotFlags struct{ results, layers string }

func (f *networkPlotFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.results, "network", "", "network runs CSV (cimkit sweep --network, the report's "+report.NetworkFile+
		"): speedup of pipelined over layer by layer (default with --in: "+report.NetworkFile+" beside it, when there)")
	fs.StringVar(&f.layers, "network-layers", "", "layers of network runs CSV (cimkit sweep --layers-out, the report's "+
		report.NetworkLayersFile+"): a network timeline per model, on its largest crossbar (default with --in: "+
		report.NetworkLayersFile+" beside it, when there)")
}

// set reports whether network records were asked for.
func (f *networkPlotFlags) set() bool { return f.results != "" || f.layers != "" }

// beside takes the report's network files next to the results CSV in
// when no network file was named and they exist.
func (f *networkPlotFlags) beside(in string) {
	if in == "" || f.set() {
		return
	}
	dir := filepath.Dir(in)
	for _, c := range []struct {
		name string
		to   *string
	}{{report.NetworkFile, &f.results}, {report.NetworkLayersFile, &f.layers}} {
		p := filepath.Join(dir, c.name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			*c.to = p
		}
	}
}

// figures draws the network figures of the named files.
func (f *networkPlotFlags) figures() ([]*plots.Figure, error) {
	if !f.set() {
		return nil, nil
	}
	var res, layers dataframe.DataFrame
	var err error
	if f.results != "" {
		if res, err = readNetworkFile("--network", f.results, plots.ReadNetwork); err != nil {
			return nil, err
		}
	}
	if f.layers != "" {
		if layers, err = readNetworkFile("--network-layers", f.layers, plots.ReadNetworkLayers); err != nil {
			return nil, err
		}
	}
	figs, err := plots.NetworkStandard(res, layers)
	if err != nil {
		return nil, fmt.Errorf("network records %s: %w", strings.TrimSpace(f.results+" "+f.layers), err)
	}
	return figs, nil
}

func readNetworkFile(flag, file string, read func(io.Reader, string) (dataframe.DataFrame, error)) (dataframe.DataFrame, error) {
	in, err := openInput(flag, file)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	defer in.Close()
	return read(in, file)
}
