package infer

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/cimkit/cimkit/cim/nn"
)

// Norm is how 8-bit pixels become input values: x = (p/255 - Mean[c]) /
// Std[c] (one value for all channels when the slices have one element).
type Norm struct {
	Name      string
	Mean, Std []float64
}

// The normalisations of the models cimkit is tested on.
var (
	// ImageNet: torchvision's classifiers.
	ImageNet = Norm{"imagenet", []float64{0.485, 0.456, 0.406}, []float64{0.229, 0.224, 0.225}}
	// Half: PaddleOCR's, (p/255 - 0.5) / 0.5, values in -1..1.
	Half = Norm{"half", []float64{0.5}, []float64{0.5}}
	// Unit: p/255, values in 0..1.
	Unit = Norm{"unit", []float64{0}, []float64{1}}
)

// Norms lists the normalisations by name.
func Norms() []Norm { return []Norm{ImageNet, Half, Unit} }

func (n Norm) at(c int) (mean, std float64) {
	return n.Mean[c%len(n.Mean)], n.Std[c%len(n.Std)]
}

// ErrImage is wrapped by the errors of images that do not fit the network
// input.
var ErrImage = fmt.Errorf("image does not fit the network input")

// ImageTensor turns img into the network input s (CHW values): the image
// must be s.W x s.H pixels, gray for one channel and colour (RGB; alpha is
// dropped) for three.
func ImageTensor(img image.Image, s nn.Shape, n Norm) ([]float64, error) {
	b := img.Bounds()
	if b.Dx() != s.W || b.Dy() != s.H {
		return nil, fmt.Errorf("%w: %dx%d pixels, the input is %dx%d (W x H; cimkit does not resize)", ErrImage, b.Dx(), b.Dy(), s.W, s.H)
	}
	ch := 3
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		ch = 1
	}
	if ch != s.C {
		return nil, fmt.Errorf("%w: %d channels (%s), the input has %d", ErrImage, ch, map[int]string{1: "gray", 3: "colour"}[ch], s.C)
	}
	out := make([]float64, s.Elems())
	hw := s.H * s.W
	for y := 0; y < s.H; y++ {
		for x := 0; x < s.W; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			px := []uint32{r, g, bl}
			for c := 0; c < ch; c++ {
				mean, std := n.at(c)
				out[c*hw+y*s.W+x] = (float64(px[c]>>8)/255 - mean) / std
			}
		}
	}
	return out, nil
}

// Synthetic draws a deterministic image-like picture of w x h pixels
// (gray when gray): a sky gradient, a sun, hills and a striped field, so
// that inputs have edges, flat regions and texture like a photograph.
func Synthetic(w, h int, gray bool) image.Image {
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			u, v := (float64(x)+0.5)/float64(w), (float64(y)+0.5)/float64(h)
			r, g, b := 0.35+0.3*v, 0.55+0.25*v, 0.95-0.2*v // sky
			if math.Hypot(u-0.72, v-0.25) < 0.12 {
				r, g, b = 1, 0.85, 0.3 // sun
			}
			if u > 0.08 && u < 0.62 && v > 0.12 && v < 0.42 {
				r, g, b = 0.95, 0.95, 0.92 // a sign with two lines of text
				if glyph(u, v) {
					r, g, b = 0.05, 0.05, 0.1
				}
			}
			if hill := 0.62 + 0.08*math.Sin(2*math.Pi*(1.3*u+0.1)); v > hill {
				r, g, b = 0.2, 0.5+0.2*(v-hill), 0.15 // hills
				if v > 0.8 && int(12*u+20*v)%2 == 0 {
					r, g, b = 0.8, 0.7, 0.2 // striped field
				}
			}
			rgba.Set(x, y, color.RGBA{uint8(255 * r), uint8(255 * g), uint8(255 * b), 255})
		}
	}
	if !gray {
		return rgba
	}
	g := image.NewGray(rgba.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Set(x, y, rgba.At(x, y))
		}
	}
	return g
}

// glyph reports whether (u, v) on the sign is ink: two lines of letter-like
// cells (strokes and bars chosen by a fixed hash of the cell).
func glyph(u, v float64) bool {
	line := -1
	for i, top := range []float64{0.16, 0.29} {
		if v >= top && v < top+0.09 {
			line = i
		}
	}
	if line < 0 {
		return false
	}
	cu, cv := (u-0.1)/0.05, (v-[]float64{0.16, 0.29}[line])/0.09 // cell coordinates
	cell := int(cu)
	fu := cu - float64(cell)
	if cell < 0 || cell >= 10 || fu > 0.8 {
		return false // between letters
	}
	hsh := (cell*7 + line*13 + 3) * 2654435761 >> 7
	switch {
	case fu < 0.22: // left stem
		return hsh&1 == 0 || cv > 0.5
	case fu > 0.58: // right stem
		return hsh&2 == 0
	}
	return (cv < 0.18 && hsh&4 == 0) || (cv > 0.41 && cv < 0.59 && hsh&8 == 0) || (cv > 0.82 && hsh&16 == 0)
}

// SyntheticInput is the deterministic input of shape s: the Synthetic
// picture normalised with n for one or three channels; for other channel
// counts, channel c repeats the picture's channel c mod 3.
func SyntheticInput(s nn.Shape, n Norm) []float64 {
	img := Synthetic(s.W, s.H, s.C == 1)
	if s.C == 1 || s.C == 3 {
		v, _ := ImageTensor(img, s, n)
		return v
	}
	rgb, _ := ImageTensor(img, nn.Shape{C: 3, H: s.H, W: s.W}, n)
	hw := s.H * s.W
	out := make([]float64, s.Elems())
	for c := 0; c < s.C; c++ {
		copy(out[c*hw:(c+1)*hw], rgb[(c%3)*hw:])
	}
	return out
}
