package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary be ccsim itself, so a test can start
// ccsim as separate processes (the parts of a sharded sweep).
func TestMain(m *testing.M) {
	if os.Getenv("CCSIM_TEST_AS_CCSIM") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// ccsimProcess runs ccsim as a process of its own (in-process under wasm,
// which cannot start one).
func ccsimProcess(t *testing.T, args ...string) (stdout string, code int) {
	t.Helper()
	if runtime.GOOS == "js" {
		out, errs, code := ccsim(t, args...)
		require.Equal(t, 0, code, errs)
		return out, code
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CCSIM_TEST_AS_CCSIM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	require.NoError(t, err, errb.String())
	return out.String(), cmd.ProcessState.ExitCode()
}

// A sweep split into N parts, each run by its own process at the same
// time, merges to exactly the lines and summary of the whole sweep run
// at once, for every N; so does any number of jobs.
func TestSweepShardsMergeToTheWholeSweep(t *testing.T) {
	spec := filepath.Join("testdata", "sweep-churn.json")
	whole, errs, code := ccsim(t, "sweep", spec, "--json", "--jobs", "1")
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(whole), "\n")
	require.Len(t, lines, 1+15+1, "a header, 15 runs, a summary")
	require.True(t, strings.HasPrefix(lines[0], `{"kind":"sweep","sweep":"`))
	require.True(t, strings.HasPrefix(lines[16], `{"kind":"summary"`))

	jobs, errs, code := ccsim(t, "sweep", spec, "--json", "--jobs", "4")
	require.Equal(t, 0, code, errs)
	require.Equal(t, whole, jobs, "the number of jobs changes nothing")

	dir := t.TempDir()
	for _, parts := range []int{2, 3, 7} {
		files := make([]string, parts)
		var wg sync.WaitGroup
		for part := range parts {
			files[part] = filepath.Join(dir, "part"+itoa(part)+"of"+itoa(parts)+".jsonl")
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, _ := ccsimProcess(t, "sweep", spec, "--shard", itoa(part)+"/"+itoa(parts), "--jobs", "1")
				require.NoError(t, os.WriteFile(files[part], []byte(out), 0o644))
			}()
		}
		wg.Wait()
		// Merge them in reverse order: order does not matter either.
		rev := make([]string, parts)
		for i, f := range files {
			rev[parts-1-i] = f
		}
		merged, errs, code := ccsim(t, append([]string{"sweep", "merge", "--json"}, rev...)...)
		require.Equal(t, 0, code, errs)
		require.Equal(t, whole, merged, "%d parts", parts)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// The quick form and the table a reader sees; the same natively and
// under Node.
func TestSweepQuickFormTable(t *testing.T) {
	dir := t.TempDir()
	csvFile, runsFile := filepath.Join(dir, "summary.csv"), filepath.Join(dir, "runs.jsonl")
	out, errs, code := ccsim(t, "sweep", "--builtin", "workload-churn", "--policy", "first-fit", "--policy", "spread",
		"--seeds", "11-14", "--ticks", "3000", "--figures", "availability,instances_moved,capacity_used_cores",
		"--csv", csvFile, "--runs", runsFile)
	require.Equal(t, 0, code, errs)
	golden(t, "sweep-quick.txt", out)
	csv, err := os.ReadFile(csvFile)
	require.NoError(t, err)
	golden(t, "sweep-quick.csv", string(csv))
	runs, err := os.ReadFile(runsFile)
	require.NoError(t, err)
	require.Equal(t, 1+8, strings.Count(string(runs), "\n"), "the header and 8 runs")

	// The runs file merges to the same table.
	again, errs, code := ccsim(t, "sweep", "merge", runsFile)
	require.Equal(t, 0, code, errs)
	require.Equal(t, out, again)
}

// The quick form's custom policy is a variant like the others.
func TestSweepCustomPolicy(t *testing.T) {
	out, errs, code := ccsim(t, "sweep", "--builtin", "workload-churn", "--policy", "spread", "--score", "-blade.free_cores",
		"--filter", "blade.instances < 6", "--seeds", "3", "--ticks", "3000", "--figures", "instances_moved", "--json")
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 1+6+1)
	require.Contains(t, lines[0], `"policy":"custom","custom":{"filter":"blade.instances \u003c 6","score":"-blade.free_cores"}`)
	require.Contains(t, lines[2], `"variant":"custom"`)
	require.Contains(t, lines[7], `{"name":"custom","runs":3,"halted":0`)
}

func TestSweepErrors(t *testing.T) {
	spec := filepath.Join("testdata", "sweep-churn.json")
	dir := t.TempDir()
	partA := filepath.Join(dir, "a.jsonl")
	out, errs, code := ccsim(t, "sweep", spec, "--shard", "0/2")
	require.Equal(t, 0, code, errs)
	require.NoError(t, os.WriteFile(partA, []byte(out), 0o644))
	other := filepath.Join(dir, "other.jsonl")
	out, errs, code = ccsim(t, "sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "100", "--shard", "0/1")
	require.Equal(t, 0, code, errs)
	require.NoError(t, os.WriteFile(other, []byte(out), 0o644))
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("{\"kind\":\"sweep\"}\n{\"kind\":\"run\",\"index\":\"3\"}\n"), 0o644))

	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"sweep"}, 2, "give a spec file, or --builtin NAME or --scenario FILE with --seeds and --ticks"},
		{[]string{"sweep", spec, "--seeds", "3"}, 2, "give a spec file or the quick form's flags, not both"},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "5-2", "--ticks", "9"}, 2, `--seeds: want N or A-B (A <= B), got "5-2"`},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2"}, 2, "--ticks: give the tick each run goes to"},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "9", "--policy", "worst-fit"}, 2, `--policy worst-fit: unknown placement policy "worst-fit"`},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "9", "--policy", "spread", "--policy", "spread"}, 2, "--policy spread: given twice"},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "20000", "--ticks", "9"}, 2, "--seeds: 1 to 10000 seeds, got 20000"},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "9", "--figures", "availability,uptime"}, 2, `--figures: unknown figure "uptime"`},
		{[]string{"sweep", "--builtin", "availability", "--seeds", "2", "--ticks", "9", "--policy", "spread"}, 1, `policy: scenario "availability" has no workloads to place`},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "9", "--score", "blade.cpu"}, 2, "--score: column 1: unknown name blade.cpu"},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "9", "--score", "1", "--filter", "3"}, 2, "--filter: column 1: the filter must be a boolean"},
		{[]string{"sweep", spec, "--shard", "2/2"}, 2, `--shard: want I/N with 0 <= I < N, got "2/2"`},
		{[]string{"sweep", spec, "--shard", "0/2", "--csv", "x.csv"}, 2, "--shard writes JSON lines to merge"},
		{[]string{"sweep", "merge"}, 2, "give the parts' files"},
		{[]string{"sweep", "merge", partA}, 1, "7 of the 15 runs are missing, the first run 1 (spread, seed 1)"},
		{[]string{"sweep", "merge", partA, partA}, 1, "a.jsonl: run 0 (first-fit, seed 1) is also in " + partA},
		{[]string{"sweep", "merge", partA, other}, 1, "other.jsonl: a part of sweep"},
		{[]string{"sweep", "merge", bad}, 1, "bad.jsonl:2:23: index: must be an integer"},
	} {
		_, errs, code := ccsim(t, tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.err, tc.args)
	}
}

// A failed run stops the sweep: no run starts after it, nothing is written
// from it on, and the first error is the one returned.
func TestRunEachStopsAtTheFirstError(t *testing.T) {
	for _, jobs := range []int{1, 2, 4} {
		runs := make([]int, 200)
		for i := range runs {
			runs[i] = i
		}
		var mu sync.Mutex
		failed, after := false, 0 // runs started once run 5 had failed
		do := func(i int) (sweep.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if failed {
				after++
			}
			if i == 5 {
				failed = true
				return sweep.Result{}, errors.New("run 5 failed")
			}
			return sweep.Result{Index: i}, nil
		}
		var written []int
		_, err := runEach(runs, jobs, do, func(r sweep.Result) error { written = append(written, r.Index); return nil })
		require.EqualError(t, err, "run 5 failed", "jobs %d", jobs)
		require.Less(t, after, jobs, "jobs %d: runs kept starting after the failure (only those already handed out may)", jobs)
		require.LessOrEqual(t, len(written), 5, "jobs %d: nothing written from the failure on", jobs)
		for k, i := range written {
			require.Equal(t, k, i, "jobs %d: lines in run order", jobs)
		}
	}
	// A failed write stops it too.
	n := 0
	_, err := runEach([]int{0, 1, 2, 3, 4, 5, 6, 7}, 1, func(i int) (sweep.Result, error) { n++; return sweep.Result{Index: i}, nil },
		func(r sweep.Result) error { return errors.New("disk full") })
	require.EqualError(t, err, "disk full")
	require.LessOrEqual(t, n, 3)
}
