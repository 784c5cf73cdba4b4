//go:build !unix

package main

// resources is unknown on systems without getrusage.
func resources() string { return "peak memory unknown" }
