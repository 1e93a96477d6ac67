package fill

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
)

// peerNames are the peer's names of the policies, its sc_policy column.
var peerNames = map[string]string{
	gpushare.NameRandom:        "01-Random",
	gpushare.NameDotProduct:    "02-DotProd",
	gpushare.NameGpuClustering: "03-GpuClustering",
	gpushare.NameGpuPacking:    "04-GpuPacking",
	gpushare.NameBestFit:       "05-BestFit",
	gpushare.NameFGD:           "06-FGD",
}

// PeerName is the peer's name of a policy ("06-FGD" for "fgd"), as its
// results' sc_policy column spells it; the name itself for a policy it
// does not have.
func PeerName(policy string) string {
	if p, ok := peerNames[policy]; ok {
		return p
	}
	return policy
}

// PolicyOf is the policy a peer's name stands for ("fgd" for "06-FGD"),
// and false for a name it does not know.
func PolicyOf(peer string) (string, bool) {
	for _, name := range gpushare.Names() {
		if peerNames[name] == peer {
			return name, true
		}
	}
	return "", false
}

// Header is the CSV's header: workload, sc_policy, tune, seed, total_gpus,
// then the columns 0..130.
func Header() []string {
	h := []string{"workload", "sc_policy", "tune", "seed", "total_gpus"}
	for i := range Columns {
		h = append(h, strconv.Itoa(i))
	}
	return h
}

// WriteCSV writes the results in the peer's layout
// (experiments/analysis/expected_results/analysis_allo_discrete.csv): the
// header, then one row per result: the workload's name (the task list's
// file name without .csv, e.g. openb_pod_list_default), the policy's peer
// name (PeerName), the tune ("1.3"), the seed, the cluster's GPUs and the
// curve in percent as the peer prints it ("12.0", "0.25"; empty where
// Missing).
func WriteCSV(w io.Writer, workload string, results []*Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header()); err != nil {
		return err
	}
	for _, r := range results {
		row := []string{workload, PeerName(r.Policy), FormatThousandths(r.Tune),
			strconv.FormatUint(r.Seed, 10), strconv.Itoa(r.TotalGPUs)}
		for _, v := range r.Curve {
			row = append(row, FormatPercent(v))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatPercent prints hundredths of a percent as Python prints the float:
// 1200 as "12.0", 25 as "0.25", 9150 as "91.5"; Missing as "".
func FormatPercent(h int64) string {
	if h == Missing {
		return ""
	}
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	frac := fmt.Sprintf("%02d", h%100)
	frac = strings.TrimSuffix(frac, "0")
	if frac == "" {
		frac = "0"
	}
	return fmt.Sprintf("%s%d.%s", sign, h/100, frac)
}

// FormatThousandths prints thousandths as a decimal: 1300 as "1.3", 1000
// as "1.0", 1250 as "1.25".
func FormatThousandths(t int64) string {
	s := fmt.Sprintf("%d.%03d", t/1000, t%1000)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

// Row is one row of a CSV in the peer's layout.
type Row struct {
	Workload  string
	Policy    string // the peer's name (sc_policy), e.g. "06-FGD"
	Tune      string
	Seed      uint64
	TotalGPUs int
	Curve     [Columns]int64 // hundredths of a percent, Missing where empty
}

// ReadCSV reads a CSV in the peer's layout (WriteCSV's, or the peer's
// published results). Errors name the line and column.
func ReadCSV(r io.Reader, file string) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	want := Header()
	if len(head) != len(want) {
		return nil, fmt.Errorf("%s:1: %d columns, want %d (%s, ..., %d)", file, len(head), len(want), strings.Join(want[:5], ", "), Columns-1)
	}
	for i := range want {
		if head[i] != want[i] {
			return nil, fmt.Errorf("%s:1:%d: column %q, want %q", file, i+1, head[i], want[i])
		}
	}
	var rows []Row
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(rec) != len(want) {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d", file, line, len(rec), len(want))
		}
		row := Row{Workload: rec[0], Policy: rec[1], Tune: rec[2]}
		if row.Seed, err = strconv.ParseUint(rec[3], 10, 64); err != nil {
			return nil, fmt.Errorf("%s:%d:4: seed %q: want a whole number", file, line, rec[3])
		}
		if row.TotalGPUs, err = strconv.Atoi(rec[4]); err != nil {
			return nil, fmt.Errorf("%s:%d:5: total_gpus %q: want a whole number", file, line, rec[4])
		}
		for i := range Columns {
			if row.Curve[i], err = parsePercent(rec[5+i]); err != nil {
				return nil, fmt.Errorf("%s:%d:%d: column %d: %w", file, line, 6+i, i, err)
			}
		}
		rows = append(rows, row)
	}
}

// parsePercent reads a percent with at most two decimals into hundredths
// ("" is Missing), without floats.
func parsePercent(s string) (int64, error) {
	if s == "" {
		return Missing, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, fmt.Errorf("%q: want a percent with at most two decimals", s)
	}
	w, err := strconv.ParseUint(whole, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q: want a percent with at most two decimals", s)
	}
	var f uint64
	if frac != "" {
		if f, err = strconv.ParseUint(frac, 10, 32); err != nil {
			return 0, fmt.Errorf("%q: want a percent with at most two decimals", s)
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return int64(w*100 + f), nil
}

// ParseThousandths reads a positive decimal with at most three decimals
// ("1.3", a tune) as thousandths (1300), without floats.
func ParseThousandths(s string) (int64, error) {
	bad := fmt.Errorf("want a number above 0 with at most 3 decimals, got %q", s)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 3 || (whole == "" && frac == "") {
		return 0, bad
	}
	var w, f uint64
	var err error
	if whole != "" {
		if w, err = strconv.ParseUint(whole, 10, 32); err != nil {
			return 0, bad
		}
	}
	if frac != "" {
		if f, err = strconv.ParseUint(frac, 10, 16); err != nil {
			return 0, bad
		}
		for range 3 - len(frac) {
			f *= 10
		}
	}
	t := int64(w*1000 + f)
	if t <= 0 {
		return 0, bad
	}
	return t, nil
}

// PinnedRowSHA256 is the SHA-256, in hex, of the row WriteCSV writes for
// one run of the experiment: the Alibaba trace's nodes and default task
// list (workload openb_pod_list_default), policy fgd, seed 42, tune 1.3;
// the row is the line after the header, its newline included. The
// package's tests check it natively and under Node, and the page's e2e
// test checks the page's CSV against it, so the three give the same
// result. A change of the experiment's results must change it, in a
// commit that says why.
const PinnedRowSHA256 = "c6639f4b17244d4a72bdcae11b78185d27094789def401a27edc87f38330c709"
