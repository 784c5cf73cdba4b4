// Package export encodes and saves cimkit's figures (package plots) in
// every output format: PNG at [DPI] dots per inch, SVG, PDF with its fonts
// embedded, and EPS.
//
// It is split from package plots so that a program which only shows SVG
// figures (the browser playground) calls [plots.Figure.WriteSVG] and links
// none of the raster, PDF and EPS back ends; a program that writes files
// for a paper (`cimkit plot`, `cimkit report`) uses [Encode], [Save] and
// [SaveAll].
//
// Output is reproducible: a figure encoded twice gives the same bytes in
// every format. PDF and EPS files carry [CreationTime] (SOURCE_DATE_EPOCH
// when set, else 1970-01-01) instead of the time of drawing.
package export

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/cimkit/cimkit/plots"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgeps"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// DPI is the resolution of PNG output: 300 dots per inch, as journals ask.
const DPI = 300

// Encode writes figure f in format at the given width; its height follows
// from the figure's aspect ratio. An unknown format, a width that is not
// positive or a figure without panels is an error naming the figure.
func Encode(w io.Writer, f *plots.Figure, format plots.Format, width vg.Length) error {
	switch format {
	case plots.SVG:
		return f.WriteSVG(w, width)
	case plots.PNG:
		return f.WriteCanvas(w, width, func(w, h vg.Length) vg.CanvasWriterTo {
			return vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))}
		})
	case plots.PDF:
		return f.WriteCanvas(w, width, newPDF)
	case plots.EPS:
		var buf bytes.Buffer
		err := f.WriteCanvas(&buf, width, func(w, h vg.Length) vg.CanvasWriterTo { return vgeps.New(w, h) })
		if err != nil {
			return err
		}
		_, err = w.Write(fixEPS(buf.Bytes(), CreationTime()))
		return err
	}
	return fmt.Errorf("figure %s: unknown format %q (accepted: png, svg, pdf, eps)", f.Name, format)
}

// CreationTime is the creation time written into PDF and EPS files, so
// that a figure drawn twice is the same file byte for byte: the time given
// by the SOURCE_DATE_EPOCH environment variable (seconds since 1970, the
// reproducible-builds convention) when it is set and valid, else the start
// of 1970 (UTC).
func CreationTime() time.Time {
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil && s >= 0 {
		return time.Unix(s, 0).UTC()
	}
	return time.Unix(0, 0).UTC()
}

// pdfMu guards fpdf's package defaults, which vgpdf.New reads: gonum's PDF
// canvas does not expose its document, so the creation and modification
// dates (fpdf writes the current time otherwise) and a sorted catalogue
// (fpdf walks maps otherwise) are set as defaults around each New.
var pdfMu sync.Mutex

// newPDF returns a PDF canvas of the given size whose file is reproducible.
func newPDF(w, h vg.Length) vg.CanvasWriterTo {
	pdfMu.Lock()
	defer pdfMu.Unlock()
	t := CreationTime()
	fpdf.SetDefaultCreationDate(t)
	fpdf.SetDefaultModificationDate(t)
	fpdf.SetDefaultCatalogSort(true)
	return vgpdf.New(w, h)
}

// fixEPS patches gonum's EPS header, which starts with "%%!PS" where
// readers expect "%!PS", and whose creation date is the time of drawing
// (with Go's monotonic clock reading): it becomes t.
func fixEPS(b []byte, t time.Time) []byte {
	if bytes.HasPrefix(b, []byte("%%!PS")) {
		b = b[1:]
	}
	const key = "\n%%CreationDate: "
	if i := bytes.Index(b, []byte(key)); i >= 0 {
		if j := bytes.IndexByte(b[i+len(key):], '\n'); j >= 0 {
			end := i + len(key) + j
			date := t.Format("2006-01-02T15:04:05Z")
			b = slices.Concat(b[:i+len(key)], []byte(date), b[end:])
		}
	}
	return b
}

// Save writes figure f into dir in format and size, under the name
// f.FileName(format, size), and returns the path. The file is written
// through an [os.Root] of dir: it lands inside dir even when dir holds a
// symbolic link of that name.
func Save(f *plots.Figure, dir string, format plots.Format, size plots.Size) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("figure %s: %w", f.Name, err)
	}
	defer root.Close()
	return save(f, root, dir, format, size)
}

// save encodes f and writes it into root (the folder dir).
func save(f *plots.Figure, root *os.Root, dir string, format plots.Format, size plots.Size) (string, error) {
	var buf bytes.Buffer
	if err := Encode(&buf, f, format, size.Width); err != nil {
		return "", err
	}
	name := f.FileName(format, size)
	if err := root.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("figure %s: %w", f.Name, err)
	}
	return filepath.Join(dir, name), nil
}

// SaveAll writes every figure in every format and size into dir (created
// if missing) and returns the paths written, sorted. Figures are drawn in
// parallel by up to GOMAXPROCS goroutines, each figure (all its formats and
// sizes) by one of them. Two figures that would write the same file are an
// error (nothing is written then). On failure it returns the error of the
// first figure, in the order of figs, that failed.
func SaveAll(figs []*plots.Figure, dir string, formats []plots.Format, sizes []plots.Size) ([]string, error) {
	if err := distinctFiles(figs, formats, sizes); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	defer root.Close()
	paths := make([][]string, len(figs))
	errs := make([]error, len(figs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(figs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				paths[i], errs[i] = saveOne(figs[i], root, dir, formats, sizes)
			}
		}()
	}
	for i := range figs {
		next <- i
	}
	close(next)
	wg.Wait()
	var all []string
	for i := range figs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, paths[i]...)
	}
	sort.Strings(all)
	return all, nil
}

// distinctFiles checks that no two figures share a file name.
func distinctFiles(figs []*plots.Figure, formats []plots.Format, sizes []plots.Size) error {
	seen := map[string]string{}
	for _, f := range figs {
		for _, format := range formats {
			for _, size := range sizes {
				name := f.FileName(format, size)
				if prev, ok := seen[name]; ok {
					return fmt.Errorf("figures %q and %q would both be saved as %s", prev, f.Name, name)
				}
				seen[name] = f.Name
			}
		}
	}
	return nil
}

// saveOne writes one figure in every format and size.
func saveOne(f *plots.Figure, root *os.Root, dir string, formats []plots.Format, sizes []plots.Size) ([]string, error) {
	var paths []string
	for _, format := range formats {
		for _, size := range sizes {
			p, err := save(f, root, dir, format, size)
			if err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}
