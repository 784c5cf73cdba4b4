package kernel

import (
	"fmt"
	"html"
	"io"
	"os"
	"reflect"

	"github.com/cimkit/cimkit/plots"
	"github.com/go-gota/gota/dataframe"
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Bundle is one displayed value: its representations keyed by MIME type
// ("text/html", "image/svg+xml", "image/png", "text/plain"), as a Jupyter
// display_data message carries them. PNG data is raw bytes, the others are
// strings.
type Bundle map[string]any

// sink receives every Bundle that Show makes. Inside gonb it sends the bundle
// to the notebook; elsewhere it writes the text/plain form to Stdout.
var sink = defaultSink

// Stdout is where Show writes outside a notebook; nil means os.Stdout.
var Stdout io.Writer

func defaultSink(b Bundle) {
	if gonbui.IsNotebook {
		data := make(map[protocol.MIMEType]any, len(b))
		for k, v := range b {
			data[protocol.MIMEType(k)] = v
		}
		gonbui.SendData(&protocol.DisplayData{Data: data})
		// Wait until gonb has the data: a cell's program may exit right
		// after Show, and data still in the pipe would be lost.
		gonbui.Sync()
		return
	}
	w := Stdout
	if w == nil {
		w = os.Stdout
	}
	fmt.Fprint(w, b["text/plain"])
}

// Render returns the display bundle of v without showing it. v may be
//   - a value with HTML() string, SVG() string or PNG() []byte (all three
//     representations are kept when v has several);
//   - a gota dataframe.DataFrame (or pointer to one): an HTML table;
//   - a *plot.Plot: an SVG figure of DefaultWidth x DefaultHeight;
//   - a *plots.Figure: an SVG figure two paper columns wide;
//   - a struct, or a slice or array of structs: an HTML table (see Records);
//   - an error: shown in red;
//   - anything else: its fmt form, as text.
func Render(v any) (Bundle, error) {
	switch x := v.(type) {
	case nil:
		return nil, fmt.Errorf("kernel.Show: nil value")
	case dataframe.DataFrame:
		return gridBundle(Frame(x))
	case *dataframe.DataFrame:
		return gridBundle(Frame(*x))
	case *plot.Plot:
		s, err := PlotSVG(x, 0, 0)
		return figureBundle(s, err)
	case *plots.Figure:
		s, err := FigureSVG(x, 0)
		return figureBundle(s, err)
	case error:
		msg := x.Error()
		return Bundle{"text/html": `<pre style="color:#b00">` + html.EscapeString(msg) + "</pre>",
			"text/plain": msg + "\n"}, nil
	}
	if b := richBundle(v); b != nil {
		return b, nil
	}
	if isStructs(v) {
		return gridBundle(Records(v))
	}
	return Bundle{"text/plain": fmt.Sprintln(v)}, nil
}

// richBundle uses the HTML/SVG/PNG methods of v, or returns nil.
func richBundle(v any) Bundle {
	b := Bundle{}
	if h, ok := v.(interface{ HTML() string }); ok {
		b["text/html"] = h.HTML()
	}
	if s, ok := v.(interface{ SVG() string }); ok {
		b["image/svg+xml"] = s.SVG()
	}
	if p, ok := v.(interface{ PNG() []byte }); ok {
		b["image/png"] = p.PNG()
	}
	if len(b) == 0 {
		return nil
	}
	if s, ok := v.(fmt.Stringer); ok {
		b["text/plain"] = s.String()
	} else {
		b["text/plain"] = plainFigure(b)
	}
	return b
}

func plainFigure(b Bundle) string {
	switch {
	case b["image/svg+xml"] != nil:
		return fmt.Sprintf("<figure: SVG, %d bytes>\n", len(b["image/svg+xml"].(string)))
	case b["image/png"] != nil:
		return fmt.Sprintf("<figure: PNG, %d bytes>\n", len(b["image/png"].([]byte)))
	}
	return fmt.Sprintf("<HTML, %d bytes>\n", len(b["text/html"].(string)))
}

func gridBundle(g *Grid, err error) (Bundle, error) {
	if err != nil {
		return nil, err
	}
	return Bundle{"text/html": g.HTML(), "text/plain": g.String()}, nil
}

func figureBundle(s SVG, err error) (Bundle, error) {
	if err != nil {
		return nil, err
	}
	return richBundle(s), nil
}

// isStructs reports whether v is a struct, a pointer to one, or a slice or
// array of (pointers to) structs.
func isStructs(v any) bool {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}

// Show displays v in the notebook (see Render for what v may be). If v cannot
// be rendered, the error is shown in its place and returned.
func Show(v any) error {
	b, err := Render(v)
	if err != nil {
		b, _ = Render(err)
	}
	sink(b)
	return err
}

// ShowTable displays a table made with Table from a header and rows.
func ShowTable(header []string, rows [][]string) error {
	return Show(Table(header, rows))
}

// ShowFields displays the fields of a struct as a two-column table (see
// Fields): kernel.ShowFields(arch.Default()).
func ShowFields(v any) error {
	g, err := Fields(v)
	if err != nil {
		Show(err)
		return err
	}
	return Show(g)
}

// ShowFigure displays a cimkit figure at the given width (zero for two paper
// columns), as PNG when png is true and as SVG otherwise.
func ShowFigure(f *plots.Figure, width vg.Length, png bool) error {
	if png {
		return showDrawn(FigurePNG(f, width))
	}
	return showDrawn(FigureSVG(f, width))
}

// ShowPlot displays p as a figure of w x h (zero for the defaults), as PNG
// when png is true and as SVG otherwise.
func ShowPlot(p *plot.Plot, w, h vg.Length, png bool) error {
	if png {
		return showDrawn(PlotPNG(p, w, h))
	}
	return showDrawn(PlotSVG(p, w, h))
}

// showDrawn shows an image just drawn, or the error that stopped drawing it
// (and returns that error).
func showDrawn(img any, err error) error {
	if err != nil {
		Show(err)
		return err
	}
	return Show(img)
}

// Must stops the cell with a panic when err is not nil: in a notebook the
// cell fails and shows the message. It is for calls whose error a notebook
// cannot handle better, e.g. kernel.Must(kernel.Show(x)).
func Must(err error) {
	if err != nil {
		panic(err)
	}
}
