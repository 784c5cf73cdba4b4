package main

import (
	"flag"

	"github.com/cimkit/cimkit/cim/energy"
)

// techFlag adds --tech FILE to fs: the technology file that prices energy
// and area (package cim/energy).
func techFlag(fs *flag.FlagSet, file *string) {
	fs.StringVar(file, "tech", "", "JSON technology file: energy, leakage and area per component (default: cim/energy/tech/default.json; ISAAC's table: cim/energy/tech/isaac.json)")
}

// loadTech returns the technology of the --tech file, or nil (the default
// technology) when file is empty. A file that cannot be read or is not a
// valid technology file is a usage error naming it.
func loadTech(file string) (*energy.Tech, error) {
	if file == "" {
		return nil, nil
	}
	f, err := openInput("--tech", file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := energy.Load(f)
	if err != nil {
		return nil, usagef("--tech %s: %v", file, err)
	}
	return t, nil
}
