package main

import (
	"flag"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/plots/report"
)

// defaultNetworkRuns is the report's --network default: its whole-network
// runs (report.DefaultNetwork).
func defaultNetworkRuns() string {
	var runs []string
	for _, r := range report.DefaultNetwork().Runs {
		runs = append(runs, r.String())
	}
	return strings.Join(runs, ",")
}

// networkFlag adds the report's --network flag to fs.
func networkFlag(fs *flag.FlagSet, to *string) {
	fs.StringVar(to, "network", defaultNetworkRuns(), "whole networks run for the report's whole-network section, "+
		"MODEL@XBAR,... within --models and --xbar (the default: those of its list that are), or none")
}

// networkConfig sets c's whole-network runs from --network: the default
// list, or the runs given (each within --models and --xbar), on the chip's
// largest core budget.
func (f *reportFlags) networkConfig(c *report.Config) error {
	n := report.DefaultNetwork()
	if f.network != defaultNetworkRuns() {
		runs, err := report.ParseNetworkRuns(f.network)
		if err != nil {
			return usagef("--network: %v", err)
		}
		for _, r := range runs {
			if !slices.Contains(c.Models, r.Model) || !slices.Contains(c.Xbars, r.Xbar) {
				return usagef("--network %s: not among --models and --xbar (the report runs its networks on its own models and crossbars)", r)
			}
		}
		n.Runs, n.Why = runs, ""
	}
	n.Cores = slices.Max(c.Cores)
	c.Network = n.Within(c.Models, c.Xbars)
	return nil
}
