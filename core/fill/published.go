package fill

import (
	"bytes"
	_ "embed" // the published results ship with the package
)

// publishedCSV is the peer's published results for the default and
// gpushare40 task lists (testdata/NOTICE.md says where they come from):
// the page draws them beside its own runs. Only a binary that calls
// Published carries it.
//
//go:embed testdata/expected-allocation-default-gpushare40.csv
var publishedCSV []byte

// PublishedFile is the name of the published results' file.
const PublishedFile = "expected-allocation-default-gpushare40.csv"

// Published reads the peer's published results (seeds 42..51 of the six
// policies, tune 1.3, on the task lists openb_pod_list_default and
// openb_pod_list_gpushare40), one Row per run.
func Published() ([]Row, error) {
	return ReadCSV(bytes.NewReader(publishedCSV), PublishedFile)
}

// PublishedMean is the mean allocation at column col (percent of the GPUs
// asked, 0..130), in percent, over the rows of workload (a task list's
// name, e.g. openb_pod_list_default), policy (a gpushare name: "fgd") and
// tune (thousandths) that have a value there, and how many they are: 0
// when the peer published no such run.
func PublishedMean(rows []Row, workload, policy string, tune int64, col int) (mean float64, runs int) {
	peer, t := PeerName(policy), FormatThousandths(tune)
	var sum int64
	for i := range rows {
		r := &rows[i]
		if r.Workload == workload && r.Policy == peer && r.Tune == t && r.Curve[col] != Missing {
			sum += r.Curve[col]
			runs++
		}
	}
	if runs == 0 {
		return 0, 0
	}
	return float64(sum) / float64(runs) / 100, runs
}
