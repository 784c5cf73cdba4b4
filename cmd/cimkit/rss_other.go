//go:build !unix

package main

// peakMemory is unknown on systems without getrusage.
func peakMemory() string { return "unknown" }
