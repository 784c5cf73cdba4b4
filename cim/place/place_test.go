package place

import (
	"errors"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
)

func chip(xbar, cores int) arch.Arch {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = xbar, xbar, cores
	return a
}

func get(t *testing.T, model string, input int) *nn.Network {
	t.Helper()
	net, err := zoo.Get(model, input)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestRoles: SqueezeNet's fire concatenations are written in place by
// their two expand convolutions; its pools are digital.
func TestRoles(t *testing.T) {
	pl, err := Place(get(t, "squeezenet1_1", 224), chip(64, 1<<16), Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[Role]int{}
	for i := range pl.Layers {
		l := &pl.Layers[i]
		count[l.Role]++
		if l.Layer.Kind == nn.Concat && l.Role != Alias {
			t.Errorf("%s: %s, want an in-place alias", l.Layer.Name, l.Role)
		}
		if (l.Layer.Kind == nn.MaxPool || l.Layer.Kind == nn.GlobalAvgPool) && (l.Role != Digital || l.Cores(1) != 1) {
			t.Errorf("%s: %s on %d cores", l.Layer.Name, l.Role, l.Cores(1))
		}
	}
	// 26 convolutions, 8 concatenations, 3 max pools and the global pool.
	if count[Crossbar] != 26 || count[Alias] != 8 || count[Digital] != 4 {
		t.Errorf("roles %v", count)
	}
}

// TestConcatCopies: a concatenation whose input is also read by another
// layer cannot be written in place: it runs on a digital core; a flatten
// is always an alias.
func TestConcatCopies(t *testing.T) {
	net := &nn.Network{Name: "n", Input: nn.Shape{C: 2, H: 4, W: 4}, Layers: []*nn.Layer{
		{Name: "a", Kind: nn.Conv2D, Filters: 2, KernelH: 1, KernelW: 1},
		{Name: "b", Kind: nn.Conv2D, Filters: 2, KernelH: 1, KernelW: 1},
		{Name: "cat", Kind: nn.Concat, Inputs: []string{"a", "b"}},
		{Name: "c", Kind: nn.Conv2D, Filters: 2, KernelH: 1, KernelW: 1, Inputs: []string{"b"}},
		{Name: "flat", Kind: nn.Flatten, Inputs: []string{"cat"}},
		{Name: "fc", Kind: nn.Dense, Filters: 3},
	}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	pl, err := Place(net, chip(64, 16), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Layer("cat").Role != Digital || pl.Layer("flat").Role != Alias || pl.Need != 5 {
		t.Errorf("cat %s, flat %s, need %d; want digital, alias, 5", pl.Layer("cat").Role, pl.Layer("flat").Role, pl.Need)
	}
}

// TestSegments: ResNet-18 on 64x64 crossbars needs 2865 cores; on 1024
// it runs in segments of consecutive layers, each within the budget, each
// layer's cores contiguous from 0 in its segment.
func TestSegments(t *testing.T) {
	pl, err := Place(get(t, "resnet18", 224), chip(64, 1024), Options{Segments: true})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Need != 2865 || pl.Resident() || len(pl.Segments) != 4 {
		t.Fatalf("need %d, %d segments", pl.Need, len(pl.Segments))
	}
	last := -1
	for s, seg := range pl.Segments {
		next := 0
		for _, i := range seg.Layers {
			l := &pl.Layers[i]
			if i <= last || l.Segment != s || l.Core0 != next {
				t.Errorf("segment %d: layer %s at index %d, core %d (want after %d, core %d)", s, l.Layer.Name, i, l.Core0, last, next)
			}
			next += l.Cores(1024)
			last = i
		}
		if next != seg.Cores || seg.Cores > 1024 || seg.Folded {
			t.Errorf("segment %d: %d cores counted, %d recorded", s, next, seg.Cores)
		}
	}
}

// TestFold: with 64 cores, ResNet-18's 64x64 layer4 convolutions (576
// tiles) are folded: alone in their segment, 9 rounds, tile t on core t
// mod 64 in round t / 64.
func TestFold(t *testing.T) {
	pl, err := Place(get(t, "resnet18", 224), chip(64, 64), Options{Segments: true})
	if err != nil {
		t.Fatal(err)
	}
	l := pl.Layer("layer4.1.conv2")
	seg := pl.Segments[l.Segment]
	if !l.Folded() || l.Rounds != 9 || !seg.Folded || len(seg.Layers) != 1 || l.Cores(64) != 64 {
		t.Fatalf("layer4.1.conv2: rounds %d, segment %+v", l.Rounds, seg)
	}
	if c, r := pl.CoreOf(l, 0, 575); c != 63 || r != 8 {
		t.Errorf("tile 575 on core %d round %d, want 63 and 8", c, r)
	}
	if _, err := Place(get(t, "resnet18", 224), chip(64, 2), Options{Segments: true}); !errors.Is(err, ErrFold) {
		t.Errorf("2 cores: %v, want ErrFold (288 rounds)", err)
	}
}

// TestCopies: copies multiply a layer's cores; bad copies are refused.
func TestCopies(t *testing.T) {
	net := get(t, "resnet18", 224)
	pl, err := Place(net, chip(128, 1024), Options{Copies: map[string]int{"conv1": 4}})
	if err != nil {
		t.Fatal(err)
	}
	l := pl.Layer("conv1")
	if l.Copies != 4 || l.Cores(1024) != 8 || pl.Need != 743 {
		t.Errorf("conv1: %d copies on %d cores, need %d; want 4, 8, 743", l.Copies, l.Cores(1024), pl.Need)
	}
	if c, _ := pl.CoreOf(l, 3, 1); c != 7 || pl.Layer("maxpool").Core0 != 8 {
		t.Errorf("copy 3 tile 1 on core %d, maxpool from core %d; want 7, 8", c, pl.Layer("maxpool").Core0)
	}
	for _, copies := range []map[string]int{{"maxpool": 2}, {"conv1": 0}, {"fc": 2}, {"layer4.0.conv2": 8}} {
		if _, err := Place(net, chip(128, 1024), Options{Copies: copies}); !errors.Is(err, ErrCopies) {
			t.Errorf("copies %v: %v, want ErrCopies", copies, err)
		}
	}
}
