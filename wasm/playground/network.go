package playground

import (
	"bytes"
	"errors"

	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/plots"
)

// The whole-network view: "network" runs the configured model whole on
// the chip (cim/netsim), as cimkit net does, with the request's Mode
// ("layer", "pipelined", or "both", the default), Duplicate, Images and
// Segments.

// MaxNetworkImages bounds the images streamed in one "network" request:
// each image is simulated in full, and the browser tab must stay
// responsive.
const MaxNetworkImages = 16

// NetworkResult is the answer to "network".
type NetworkResult struct {
	Config RunConfig            `json:"config"`
	Runs   []netsim.Result      `json:"runs"`   // one per run, as cimkit net --format json
	Layers []netsim.LayerResult `json:"layers"` // every layer of every run, as cimkit net --layers
	// Copies are the weight copies of the duplicated run, by layer (only
	// layers with more than one).
	Copies map[string]int `json:"copies,omitempty"`
	// Timeline shows each layer's start and end in every run
	// (plots.NetworkTimeline).
	Timeline *Figure `json:"timeline"`
}

// networkConfig reads the request's network fields into a netsim.Config.
func networkConfig(req Request, c *config) (netsim.Config, error) {
	cfg := netsim.Config{Arch: c.arch, Scheme: c.scheme, Images: req.Images, Segments: req.Segments,
		Duplicate: req.Duplicate, Sim: c.opt}
	switch req.Mode {
	case "", "both":
	default:
		m, err := netprog.ParseMode(req.Mode)
		if err != nil {
			return cfg, fieldErr("net-mode", "%v, or both", err)
		}
		cfg.Mode = m
	}
	if cfg.Images == 0 {
		cfg.Images = 1
	}
	if cfg.Images < 1 || cfg.Images > MaxNetworkImages {
		return cfg, fieldErr("net-images", "images must be a whole number in 1..%d", MaxNetworkImages)
	}
	cfg.Sim.Trace = false
	return cfg, nil
}

// simNetwork answers "network". progress counts MVMs over every run
// (netsim.Config.Progress).
func simNetwork(req Request, progress Progress) (*NetworkResult, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	cfg, err := networkConfig(req, c)
	if err != nil {
		return nil, err
	}
	cfg.Progress = func(done, total int64) { progress(int(done), int(total), nil) }
	runs, err := netsim.Runs(c.net, cfg)
	switch {
	case errors.Is(err, place.ErrNoFit):
		return nil, fieldErr("net-segments", "%v: tick Segments to run it in parts", err)
	case err != nil && netsim.IsBadInput(err):
		return nil, fieldErr("cores", "%v", err)
	case err != nil:
		return nil, err
	}
	out := &NetworkResult{Config: c.runConfig()}
	for _, r := range runs {
		out.Runs = append(out.Runs, r.Result)
		out.Layers = append(out.Layers, r.Layers...)
		if r.Result.Duplicate {
			out.Copies = r.Copies
		}
	}
	fig, err := plots.NetworkTimeline(netsim.LayersDataFrame(out.Layers), plots.Select{})
	if err != nil {
		return nil, err
	}
	title := "Network timeline"
	fig.Title = title + ": " + out.Config.Label
	var buf bytes.Buffer
	if err := fig.WriteSVG(&buf, figureWidth(req.Width)); err != nil {
		return nil, err
	}
	out.Timeline = &Figure{Name: "network_timeline", Title: title, Caption: fig.Caption, SVG: buf.String()}
	return out, nil
}
