package plots

import "image/color"

// OkabeIto is the colour-blind-safe palette of Okabe and Ito (2008), in its
// usual order: black, orange, sky blue, bluish green, yellow, blue,
// vermillion, reddish purple. Series colours are taken from index 1 on, so
// that black stays free for reference marks.
var OkabeIto = []color.RGBA{
	{0x00, 0x00, 0x00, 0xff},
	{0xe6, 0x9f, 0x00, 0xff},
	{0x56, 0xb4, 0xe9, 0xff},
	{0x00, 0x9e, 0x73, 0xff},
	{0xf0, 0xe4, 0x42, 0xff},
	{0x00, 0x72, 0xb2, 0xff},
	{0xd5, 0x5e, 0x00, 0xff},
	{0xcc, 0x79, 0xa7, 0xff},
}

// seriesOrder is the order in which series take palette colours: never
// black, and yellow (weak on white) last.
var seriesOrder = []int{1, 2, 3, 5, 6, 7, 4}

// seriesColor returns the colour of the i-th series.
func seriesColor(i int) color.Color {
	if i < 0 {
		i = -i
	}
	return OkabeIto[seriesOrder[i%len(seriesOrder)]]
}
