package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/scenario"
)

const traceDir = "../../core/gputrace/testdata/alibaba-gpu-2023"

// ccsim import alibaba-gpu writes a scenario that validates and says how
// to run it; bad use and bad files are refused, naming what and where,
// and write nothing.
func TestImportAlibabaGPU(t *testing.T) {
	nodes := filepath.Join(traceDir, "openb_node_list_all_node.csv")
	pods := filepath.Join(traceDir, "openb_pod_list_default.csv")
	out := filepath.Join(t.TempDir(), "alibaba.json")
	stdout, errs, code := ccsim(t, "import", "alibaba-gpu", "--nodes", nodes, "--pods", pods, "--rack-size", "32", "-o", out)
	require.Equal(t, 0, code, errs)
	require.Contains(t, stdout, "1523 blades in 48 racks, 16304 commands, the last at tick 12902960")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	sc, err := scenario.Parse(out, data)
	require.NoError(t, err)
	require.Equal(t, "best-fit", sc.Control.Workloads.Policy)

	bad := filepath.Join(t.TempDir(), "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("sn,cpu_milli,memory_mib,gpu,model\nn0,32000,1024,2,\n"), 0o644))
	gone := filepath.Join(t.TempDir(), "never.json")
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"import"}, 2, "want alibaba-gpu --nodes FILE --pods FILE"},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes}, 2, "give both --nodes FILE and --pods FILE"},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes, "--pods", pods, "--rack-size", "0", "-o", gone}, 2, "--rack-size: want 1 or more, got 0"},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes, "--pods", pods, "--time-scale", "0", "-o", gone}, 2, "--time-scale: want 1 or more, got 0"},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes, "--pods", pods, "--policy", "worst-fit", "-o", gone}, 1, `policy: sched: unknown policy "worst-fit"`},
		{[]string{"import", "alibaba-gpu", "--nodes", bad, "--pods", pods, "-o", gone}, 1, `bad.csv:2:5: model: want a GPU model (1..64 letters, digits, '-', '_' or '.') when gpu is 2, got ""`},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes, "--pods", "nope.csv", "-o", gone}, 1, "nope.csv"},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes, "--pods", pods, "--time-scale", "-1", "-o", gone}, 2, "--time-scale: want 1 or more, got -1"},
		{[]string{"import", "alibaba-gpu", "--nodes", nodes, "--pods", pods, "--sample-nodes", "1214", "-o", gone}, 1, "sample: want 1214 GPU nodes, the node list has 1213"},
	} {
		_, errs, code := ccsim(t, tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.err, tc.args)
		require.NoFileExists(t, gone)
	}
}

// The gpu-sharing built-in is what the command its README gives makes,
// but for the description, written by hand.
func TestImportMakesTheGPUSharingBuiltin(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gpu-sharing.json")
	_, errs, code := ccsim(t, "import", "alibaba-gpu", "--nodes", filepath.Join(traceDir, "openb_node_list_all_node.csv"),
		"--pods", filepath.Join(traceDir, "openb_pod_list_default.csv"),
		"--sample-nodes", "32", "--sample-tasks", "245", "--start", "10300000", "--time-scale", "7000", "--mtbf", "5000", "--mttr", "300",
		"--rack-size", "8", "--zone-racks", "2", "--sample-every", "25", "--seed", "1", "--name", "gpu-sharing", "-o", out)
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	made, err := scenario.Parse(out, data)
	require.NoError(t, err)
	builtin, err := scenario.Builtin("gpu-sharing")
	require.NoError(t, err)
	made.Description = builtin.Description
	a, _ := scenario.Marshal(made)
	b, _ := scenario.Marshal(builtin)
	require.Equal(t, string(b), string(a))
}
