package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/cimkit/cimkit/cim/arch"
)

// run.go is the temporary main job (make run) until the paper report
// exists: the mapping summary of the paper's workloads.

func init() {
	register(command{
		name:    "run",
		summary: "mapping summary of the paper's workloads (MobileNet v1, ResNet-18 at 224 on 32/64/128 crossbars)",
		run:     runRun,
	})
}

// The paper's workloads and chips.
var (
	paperModels = []string{"mobilenet_v1", "resnet18"}
	paperXbars  = []int{32, 64, 128}
)

const (
	paperInput = 224
	paperCores = 1024
)

// runRow is one line of "cimkit run" in JSON.
type runRow struct {
	Model string `json:"model"`
	Xbar  string `json:"xbar"`
	mapSummary
}

var runHeader = []string{"model", "xbar", "layers", "layers_fit", "total_cores", "mean_utilization"}

func runRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := formatFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	rows, err := paperSummary()
	if err != nil {
		return err
	}
	text := make([][]string, len(rows))
	for i, r := range rows {
		text[i] = []string{r.Model, r.Xbar, strconv.Itoa(r.Layers), strconv.Itoa(r.Fit),
			strconv.Itoa(r.Cores), fmt.Sprintf("%.4f", r.MeanUtil)}
	}
	if *format == formatTable {
		fmt.Fprintf(stdout, "Mapping of the paper's workloads at %dx%d, %d cores\n\n", paperInput, paperInput, paperCores)
	}
	return emit(stdout, *format, runHeader, text, rows)
}

// paperSummary maps every paper workload on every paper crossbar.
func paperSummary() ([]runRow, error) {
	var rows []runRow
	for _, name := range paperModels {
		net, err := loadModel(name, paperInput)
		if err != nil {
			return nil, err
		}
		for _, x := range paperXbars {
			a := arch.Default()
			a.XbarRows, a.XbarCols, a.Cores = x, x, paperCores
			maps, err := mapNetwork(net, a)
			if err != nil {
				return nil, err
			}
			rows = append(rows, runRow{Model: name, Xbar: fmt.Sprintf("%dx%d", x, x), mapSummary: summarize(maps)})
		}
	}
	return rows, nil
}
