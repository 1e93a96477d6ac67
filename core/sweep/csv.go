package sweep

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVColumns are the columns of a summary as CSV: one row per figure and
// variant; the paired columns are empty for the baseline and where no
// seed has both values.
var CSVColumns = []string{"figure", "variant", "n", "mean", "ci95_low", "ci95_high",
	"paired_n", "vs_baseline_mean", "vs_baseline_ci95_low", "vs_baseline_ci95_high"}

// Rows are the summary's CSV rows (CSVColumns), with numbers written by
// num; an interval without bounds (n < 2) leaves its cells empty.
func (s *Summary) Rows(num func(float64) string) [][]string {
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return num(*p)
	}
	var rows [][]string
	for _, f := range s.Figures {
		for _, v := range s.Variants {
			iv := v.Figures[f]
			row := []string{f, v.Name, strconv.Itoa(iv.N), "", "", ""}
			if iv.N > 0 {
				row[3], row[4], row[5] = num(iv.Mean), opt(iv.Low), opt(iv.High)
			}
			if d, ok := v.VsBaseline[f]; ok && d.N > 0 {
				row = append(row, strconv.Itoa(d.N), num(d.Mean), opt(d.Low), opt(d.High))
			} else {
				row = append(row, "", "", "", "")
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// WriteCSV writes the summary as CSV, the numbers in full (the shortest
// form that reads back to the same float64), as `ccsim sweep --csv` and
// the page's download write it.
func (s *Summary) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVColumns)
	cw.WriteAll(s.Rows(func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }))
	return cw.Error()
}
