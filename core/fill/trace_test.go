package fill

import (
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gputrace"
)

// traceDir holds the Alibaba GPU trace (2023); the peer's published
// results are in testdata.
const traceDir = "../gputrace/testdata/alibaba-gpu-2023/"

// publishedFile is the peer's results for the two task lists.
const publishedFile = "testdata/expected-allocation-default-gpushare40.csv"

func readFile[T any](t testing.TB, path string, read func(io.Reader, string) ([]T, error)) []T {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	out, err := read(f, path)
	require.NoError(t, err)
	return out
}

func traceNodes(t testing.TB) []gputrace.Node {
	return readFile(t, traceDir+"openb_node_list_all_node.csv", gputrace.ReadNodes)
}

func traceTasks(t testing.TB, list string) []gputrace.Task {
	return readFile(t, traceDir+"openb_pod_list_"+list+".csv", gputrace.ReadTasks)
}
