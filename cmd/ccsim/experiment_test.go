package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExperimentFill runs the six policies on a small trace (4 nodes, 40
// tasks) over two seeds: the summary and the CSV are golden, natively and
// under Node alike.
func TestExperimentFill(t *testing.T) {
	out, errs, code := ccsim(t, "experiment", "fill", "--nodes", "testdata/fill-nodes.csv", "--pods", "testdata/fill-pods.csv",
		"--policy", "all", "--seeds", "1-2", "--csv", "-")
	require.Equal(t, 0, code, errs)
	golden(t, "fill-small.txt", errs+out) // with --csv - the table is on stderr, so stdout is the CSV alone
	require.Contains(t, errs, "fill-pods on 3 nodes (16 GPUs), tune 1.3, seeds 1-2")
	require.True(t, strings.HasPrefix(out, "workload,sc_policy,tune,seed,total_gpus,0,1,"), out)
	require.Contains(t, out, "\nfill-pods,06-FGD,1.3,2,16,")
	require.NotContains(t, errs, "published", "the peer published nothing of this list")

	// --csv FILE writes the same rows; one policy, the default seeds.
	csv := filepath.Join(t.TempDir(), "fgd.csv")
	out, errs, code = ccsim(t, "experiment", "fill", "--nodes", "testdata/fill-nodes.csv", "--pods", "testdata/fill-pods.csv",
		"--policy", "fgd", "--tune", "1.25", "--csv", csv, "--jobs", "1")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "tune 1.25, seeds 42-51")
	assert.Contains(t, out, "fgd  mean")
	data, err := os.ReadFile(csv)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 11)
	assert.True(t, strings.HasPrefix(lines[10], "fill-pods,06-FGD,1.25,51,16,"), lines[10])

	// gpu-best-fit, the paper's BestFit as a scenario names it, is best-fit.
	a, errs, code := ccsim(t, "experiment", "fill", "--nodes", "testdata/fill-nodes.csv", "--pods", "testdata/fill-pods.csv",
		"--policy", "gpu-best-fit", "--seeds", "1-2", "--csv", "-")
	require.Equal(t, 0, code, errs)
	b, _, _ := ccsim(t, "experiment", "fill", "--nodes", "testdata/fill-nodes.csv", "--pods", "testdata/fill-pods.csv",
		"--policy", "best-fit", "--seeds", "1-2", "--csv", "-")
	require.Equal(t, b, a)
	require.Contains(t, a, "\nfill-pods,05-BestFit,1.3,2,16,")
}

// On a task list the peer published (the trace's default list), each
// policy's mean at 100 % is printed beside the published mean and the gap,
// as the page shows them; at another tune, nothing is published.
func TestExperimentFillPublished(t *testing.T) {
	dir := filepath.Join("..", "..", "core", "gputrace", "testdata", "alibaba-gpu-2023")
	args := []string{"experiment", "fill", "--nodes", filepath.Join(dir, "openb_node_list_all_node.csv"),
		"--pods", filepath.Join(dir, "openb_pod_list_default.csv"), "--policy", "fgd", "--seeds", "42-42"}
	out, errs, code := ccsim(t, args...)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "published: the peer's mean allocation at 100 % on openb_pod_list_default, tune 1.3")
	require.Regexp(t, `(?m)^\s+fgd\s+1\s+95\.08\s+95\.23\s+-0\.15\s*$`, out) // README: published FGD 95.23
	out, errs, code = ccsim(t, append(args, "--tune", "1.2")...)
	require.Equal(t, 0, code, errs)
	require.NotContains(t, out, "published")
}

func TestExperimentFillErrors(t *testing.T) {
	nodes, pods := "testdata/fill-nodes.csv", "testdata/fill-pods.csv"
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"experiment"}, 2, "ccsim experiment: give the experiment: fill"},
		{[]string{"experiment", "drain"}, 2, "ccsim experiment: give the experiment: fill"},
		{[]string{"experiment", "fill", "--pods", pods, "--policy", "fgd"}, 2, "--nodes: give the node list"},
		{[]string{"experiment", "fill", "--nodes", nodes, "--policy", "fgd"}, 2, "--pods: give the task list"},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods}, 2, "--policy: give one of random, dot-product, gpu-clustering, gpu-packing, best-fit, fgd, or all"},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "first-fit"}, 2, `--policy: unknown policy "first-fit"`},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "fgd", "--seeds", "51-42"}, 2, `--seeds: want N or A-B (A <= B), got "51-42"`},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "fgd", "--tune", "1.2345"}, 2, `--tune: want a number above 0 with at most 3 decimals, got "1.2345"`},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "fgd", "--tune", "0"}, 2, `--tune: want a number above 0`},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "fgd", "--jobs", "0"}, 2, "--jobs must be >= 1"},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "fgd", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"experiment", "fill", "--nodes", nodes, "--pods", pods, "--policy", "fgd", "--policy", "random"}, 2, "flag -policy is given twice"},
		{[]string{"experiment", "fill", "--nodes", "testdata/none.csv", "--pods", pods, "--policy", "fgd"}, 1, "testdata/none.csv"},
		{[]string{"experiment", "fill", "--nodes", pods, "--pods", pods, "--policy", "fgd"}, 1, "testdata/fill-pods.csv:1"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			_, errs, code := ccsim(t, c.args...)
			assert.Equal(t, c.code, code, errs)
			assert.Contains(t, errs, c.want)
		})
	}
}
