package fill

// A throwaway loader of the trace's CSV files, private to the tests until
// gputrace.ReadNodes and ReadTasks land on main; delete it then.

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gputrace"
)

func readRecords(t testing.TB, path string) [][]string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return recs[1:]
}

func atoi(t testing.TB, s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err, s)
	return v
}

func loadNodes(t testing.TB, path string) []gputrace.Node {
	var out []gputrace.Node
	for _, r := range readRecords(t, path) {
		out = append(out, gputrace.Node{Name: r[0], CPUMilli: atoi(t, r[1]), MemoryMiB: atoi(t, r[2]), GPUs: int(atoi(t, r[3])), Model: r[4]})
	}
	return out
}

func loadTasks(t testing.TB, path string) []gputrace.Task {
	var out []gputrace.Task
	for _, r := range readRecords(t, path) {
		task := gputrace.Task{Name: r[0], CPUMilli: atoi(t, r[1]), MemoryMiB: atoi(t, r[2]), GPUs: int(atoi(t, r[3])), GPUMilli: atoi(t, r[4])}
		for _, m := range strings.Split(r[5], "|") {
			if m != "" {
				task.Models = append(task.Models, m)
			}
		}
		out = append(out, task)
	}
	return out
}

// traceDir holds the Alibaba GPU trace (2023) and the peer's results.
const traceDir = "../../../shared/testdata/traces/alibaba-gpu-2023/"

func traceNodes(t testing.TB) []gputrace.Node {
	return loadNodes(t, traceDir+"openb_node_list_all_node.csv")
}

func traceTasks(t testing.TB, list string) []gputrace.Task {
	return loadTasks(t, traceDir+"openb_pod_list_"+list+".csv")
}
