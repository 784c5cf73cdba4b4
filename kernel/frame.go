package kernel

import (
	"math"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Frame makes a table from a gota DataFrame: its column names as the header,
// float columns written with FormatFloat, at most MaxRows rows. A DataFrame
// that carries an error gives an error.
func Frame(df dataframe.DataFrame) (*Grid, error) {
	if err := df.Error(); err != nil {
		return nil, err
	}
	g := &Grid{Header: df.Names()}
	types := df.Types()
	n := limitRows(df.Nrow())
	for i := 0; i < n; i++ {
		row := make([]string, df.Ncol())
		for j := range row {
			row[j] = frameCell(df.Elem(i, j), types[j])
		}
		g.Rows = append(g.Rows, row)
	}
	g.Note, g.Total = moreRows(df.Nrow(), n), df.Nrow()
	return g, nil
}

func frameCell(e series.Element, t series.Type) string {
	if e.IsNA() {
		return "NaN"
	}
	if t == series.Float {
		if x := e.Float(); !math.IsNaN(x) {
			return FormatFloat(x)
		}
	}
	return e.String()
}
