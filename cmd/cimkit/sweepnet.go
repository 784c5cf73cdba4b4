package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/cim/sweep"
)

// networkFlags are the flags of "cimkit sweep" that ask for whole-network
// runs (sweep.RunNetworks) instead of layers.
type networkFlags struct {
	on, duplicate, segments bool
	images                  int
	layersOut               string
}

func (f *networkFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.on, "network", false, "whole networks instead of layers: each model placed on the chip at once and run "+
		"layer by layer and pipelined (as cimkit net), one record per run")
	fs.BoolVar(&f.duplicate, "duplicate", false, "with --network: also run pipelined with the bottleneck layers duplicated on spare cores")
	fs.IntVar(&f.images, "images", 1, "with --network: images streamed through the chip in each run")
	fs.BoolVar(&f.segments, "segments", false, "with --network: run a network that does not fit in segments, reprogramming the chip in between")
	fs.StringVar(&f.layersOut, "layers-out", "", "with --network: also write every layer of every run to this file "+
		"(csv or json as --format; cimkit plot --network-layers draws their timelines)")
}

// check rejects network flags without --network, and flags that do not go
// with it.
func (f *networkFlags) check(fs *flag.FlagSet, totals bool) error {
	if f.on {
		if totals {
			return usagef("--totals: per-layer sweeps only (a --network record is already a whole network)")
		}
		if f.images < 1 || f.images > netprog.MaxImages {
			return usagef("--images %d: want 1..%d", f.images, netprog.MaxImages)
		}
		if f.layersOut != "" {
			return checkOutFile("--layers-out", f.layersOut)
		}
		return nil
	}
	var set []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "duplicate", "images", "segments", "layers-out":
			set = append(set, "--"+fl.Name)
		}
	})
	if len(set) > 0 {
		return usagef("%s: only with --network", strings.Join(set, ", "))
	}
	return nil
}

// runNetworkSweep runs the sweep's whole networks and writes their records
// (to --out or stdout) and layer records (to --layers-out), CSV files
// after the preamble lines pre.
func runNetworkSweep(ctx context.Context, sp sweep.Spec, f *sweepFlags, pre []string, stdout, stderr io.Writer) error {
	bar := newProgress(stderr, "cimkit sweep --network", true)
	sp.Progress = bar.update
	start := time.Now()
	rs, ls, err := sweep.RunNetworks(ctx, sp, sweep.Network{Images: f.net.images, Segments: f.net.segments,
		Duplicate: f.net.duplicate})
	bar.finish()
	if err != nil {
		return netError(err)
	}
	err = writeRecords("--out", f.out, f.format, pre, stdout,
		func(w io.Writer) error { return netsim.WriteJSON(w, rs) }, func(w io.Writer) error { return netsim.WriteCSV(w, rs) })
	if err == nil && f.net.layersOut != "" {
		err = writeRecords("--layers-out", f.net.layersOut, f.format, pre, stdout,
			func(w io.Writer) error { return netsim.WriteJSON(w, ls) }, func(w io.Writer) error { return netsim.WriteLayersCSV(w, ls) })
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "cimkit sweep: %d network runs (%d layer records) from %d models in %.1f s\n",
		len(rs), len(ls), len(sp.Models), time.Since(start).Seconds())
	return nil
}

// writeTo writes with write into file (given by flag), or to stdout when
// file is empty.
func writeTo(flag, file string, stdout io.Writer, write func(io.Writer) error) error {
	if file == "" {
		return write(stdout)
	}
	f, err := createFile(flag, file)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, file, err)
	}
	return nil
}

// netError turns an error of a whole-network run into a usage error when
// the input is to blame (a network that needs --segments, bad input).
func netError(err error) error {
	switch {
	case errors.Is(err, place.ErrNoFit):
		return usagef("%v (--segments)", err)
	case netsim.IsBadInput(err):
		return usagef("%v", err)
	}
	return err
}
