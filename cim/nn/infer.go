package nn

import "fmt"

// Infer validates the network and fills in every layer's input and output
// shapes. It returns the first problem found, naming the layer.
func (n *Network) Infer() error {
	if err := checkShape("network input", n.Input); err != nil {
		return fmt.Errorf("%w: network %q: %v", ErrInvalid, n.Name, err)
	}
	if len(n.Layers) == 0 {
		return fmt.Errorf("%w: network %q has no layers", ErrInvalid, n.Name)
	}
	if len(n.Layers) > MaxLayers {
		return fmt.Errorf("%w: network %q has %d layers, at most %d are accepted", ErrInvalid, n.Name, len(n.Layers), MaxLayers)
	}
	shapes := map[string]Shape{InputName: n.Input}
	prev := InputName
	for i, l := range n.Layers {
		if l == nil {
			return fmt.Errorf("%w: network %q: layer %d is nil", ErrInvalid, n.Name, i)
		}
		if l.Name == "" || l.Name == InputName {
			return fmt.Errorf("%w: network %q: layer %d has the reserved or empty name %q", ErrInvalid, n.Name, i, l.Name)
		}
		if _, dup := shapes[l.Name]; dup {
			return invalid(l, "name used twice")
		}
		names := l.Inputs
		if len(names) == 0 {
			names = []string{prev}
		}
		l.In = l.In[:0]
		for _, name := range names {
			s, ok := shapes[name]
			if !ok {
				return invalid(l, "input %q is not an earlier layer", name)
			}
			l.In = append(l.In, s)
		}
		out, err := l.infer()
		if err != nil {
			return err
		}
		if err := checkShape("output", out); err != nil {
			return invalid(l, "%v", err)
		}
		l.Out = out
		shapes[l.Name] = out
		prev = l.Name
	}
	return nil
}

func checkShape(what string, s Shape) error {
	if s.C <= 0 || s.H <= 0 || s.W <= 0 {
		return fmt.Errorf("%s shape %s: every size must be positive", what, s)
	}
	if s.C > MaxDim || s.H > MaxDim || s.W > MaxDim {
		return fmt.Errorf("%s shape %s: sizes above %d are not accepted", what, s, MaxDim)
	}
	if s.Elems() > MaxElems {
		return fmt.Errorf("%s shape %s: %d elements, at most %d are accepted", what, s, s.Elems(), int64(MaxElems))
	}
	return nil
}

// infer computes the output shape of one layer from l.In.
func (l *Layer) infer() (Shape, error) {
	in := l.In[0]
	switch l.Kind {
	case Conv2D:
		return l.inferConv(in)
	case Dense:
		if err := l.oneInput(); err != nil {
			return Shape{}, err
		}
		if l.Filters <= 0 || l.Filters > MaxDim*16 {
			return Shape{}, invalid(l, "units %d must be in 1..%d", l.Filters, MaxDim*16)
		}
		return Shape{l.Filters, 1, 1}, nil
	case MaxPool, AvgPool:
		if err := l.oneInput(); err != nil {
			return Shape{}, err
		}
		h, w, err := l.window(in)
		return Shape{in.C, h, w}, err
	case GlobalAvgPool:
		return Shape{in.C, 1, 1}, l.oneInput()
	case Flatten:
		return Shape{int(in.Elems()), 1, 1}, l.oneInput()
	case Activation:
		return in, l.oneInput()
	case Add:
		if len(l.In) < 2 {
			return Shape{}, invalid(l, "needs at least 2 inputs, has %d", len(l.In))
		}
		for i, s := range l.In[1:] {
			if s != in {
				return Shape{}, invalid(l, "input %d has shape %s, input 0 has %s", i+1, s, in)
			}
		}
		return in, nil
	case Concat:
		out := in
		for i, s := range l.In[1:] {
			if s.H != in.H || s.W != in.W {
				return Shape{}, invalid(l, "input %d is %s, input 0 is %s: H and W must agree", i+1, s, in)
			}
			out.C += s.C
		}
		return out, nil
	case Digital:
		if l.OutShape != (Shape{}) {
			return l.OutShape, nil
		}
		return in, nil
	}
	return Shape{}, invalid(l, "unknown layer kind")
}

func (l *Layer) oneInput() error {
	if len(l.In) != 1 {
		return invalid(l, "takes 1 input, has %d", len(l.In))
	}
	return nil
}

func (l *Layer) inferConv(in Shape) (Shape, error) {
	if err := l.oneInput(); err != nil {
		return Shape{}, err
	}
	g := l.GroupCount()
	if l.Filters <= 0 || l.Filters > MaxDim {
		return Shape{}, invalid(l, "filters %d must be in 1..%d", l.Filters, MaxDim)
	}
	if g < 1 || in.C%g != 0 || l.Filters%g != 0 {
		return Shape{}, invalid(l, "groups %d must divide input channels %d and filters %d", g, in.C, l.Filters)
	}
	h, w, err := l.window(in)
	if err != nil {
		return Shape{}, err
	}
	// Bounding the im2col rows keeps MACs, Params and the core counts of the
	// mapping far from int64 overflow.
	if rows := int64(l.KernelH) * int64(l.KernelW) * int64(in.C); rows > MaxElems {
		return Shape{}, invalid(l, "weight matrix of %d rows (kernel %dx%d x %d channels), at most %d are accepted",
			rows, l.KernelH, l.KernelW, in.C, int64(MaxElems))
	}
	return Shape{l.Filters, h, w}, nil
}

// window computes the output H and W of a sliding-window layer and checks
// kernel, stride, padding and dilation.
func (l *Layer) window(in Shape) (int, int, error) {
	sh, sw := l.Stride()
	dh, dw := l.Dilation()
	for _, v := range []struct {
		name string
		val  int
		min  int
	}{
		{"kernel height", l.KernelH, 1}, {"kernel width", l.KernelW, 1},
		{"stride height", sh, 1}, {"stride width", sw, 1},
		{"dilation height", dh, 1}, {"dilation width", dw, 1},
		{"top padding", l.PadTop, 0}, {"bottom padding", l.PadBottom, 0},
		{"left padding", l.PadLeft, 0}, {"right padding", l.PadRight, 0},
	} {
		if v.val < v.min || v.val > MaxDim {
			return 0, 0, invalid(l, "%s %d must be in %d..%d", v.name, v.val, v.min, MaxDim)
		}
	}
	oh, err := outSize(l, "height", in.H, l.KernelH, sh, dh, l.PadTop, l.PadBottom)
	if err != nil {
		return 0, 0, err
	}
	ow, err := outSize(l, "width", in.W, l.KernelW, sw, dw, l.PadLeft, l.PadRight)
	return oh, ow, err
}

func outSize(l *Layer, dim string, in, k, s, d, padBefore, padAfter int) (int, error) {
	pad := padBefore + padAfter
	span := d*(k-1) + 1
	if span > in+pad {
		return 0, invalid(l, "kernel %s %d (dilated %d) is larger than the padded input %d", dim, k, span, in+pad)
	}
	num := in + pad - span
	if l.CeilMode {
		o := (num+s-1)/s + 1
		// As in PyTorch: the last window must start inside the input or left padding.
		if (o-1)*s >= in+padBefore {
			o--
		}
		return o, nil
	}
	return num/s + 1, nil
}
