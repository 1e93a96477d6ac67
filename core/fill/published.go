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
