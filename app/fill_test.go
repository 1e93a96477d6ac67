//go:build !(js && wasm)

package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/fill"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

const traceDir = "../core/gputrace/testdata/alibaba-gpu-2023"

// traceFile reads a file of the Alibaba trace.
func traceFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(traceDir, name))
	require.NoError(t, err)
	return data
}

// The two files are told apart by their header, in either order, and a
// file refused (a bad row, a header of neither kind) gives the reader's
// located message and changes nothing.
func TestFillFilesRecognised(t *testing.T) {
	nodes, tasks := traceFile(t, "openb_node_list_all_node.csv"), traceFile(t, "openb_pod_list_default.csv")
	for _, order := range [][2]string{{"nodes", "tasks"}, {"tasks", "nodes"}} {
		st := newFillState()
		for _, kind := range order {
			if kind == "nodes" {
				require.NoError(t, st.addFile("openb_node_list_all_node.csv", nodes))
			} else {
				require.NoError(t, st.addFile("openb_pod_list_default.csv", tasks))
			}
		}
		require.Equal(t, "openb_node_list_all_node.csv", st.nodes.Name)
		require.Equal(t, 1523, st.nodes.Count)
		require.EqualValues(t, 1213, st.nodes.GPUItems)
		require.EqualValues(t, 6212, st.nodes.GPUs)
		require.Equal(t, "openb_pod_list_default.csv", st.tasks.Name)
		require.Equal(t, 8152, st.tasks.Count)
		require.Equal(t, "openb_pod_list_default", st.tasks.Workload())
		require.Empty(t, st.fileErr)
	}

	st := newFillState()
	require.NoError(t, st.addFile("openb_pod_list_default.csv", tasks))
	held := st.tasks
	// Line 3, the second task: num_gpu (the 4th column) made "x".
	lines := strings.SplitN(string(tasks), "\n", 4)
	f := strings.Split(lines[2], ",")
	f[3] = "x"
	lines[2] = strings.Join(f, ",")
	err := st.addFile("mine.csv", []byte(strings.Join(lines, "\n")))
	require.Error(t, err)
	require.Contains(t, st.fileErr, `mine.csv:3:4: num_gpu: want an integer 0..64, got "x"`)
	require.Same(t, held, st.tasks, "a bad task list leaves the one held")
	require.Nil(t, st.nodes)

	err = st.addFile("notes.csv", []byte("a,b,c\n1,2,3\n"))
	require.Error(t, err)
	var gerr *gputrace.Error
	require.ErrorAs(t, err, &gerr)
	require.Equal(t, "notes.csv", gerr.File)
	require.Equal(t, err.Error(), st.fileErr)
	require.Same(t, held, st.tasks)

	// A good file clears the message.
	require.NoError(t, st.addFile("openb_node_list_all_node.csv", nodes))
	require.Empty(t, st.fileErr)
}

// fakeFillWorkers stands in for the Workers of a fill job.
type fakeFillWorkers struct {
	work    fillWork
	parts   [][]int
	on      func(workerMsg)
	stopped int
	played  map[int]bool // the runs played so far
}

func (f *fakeFillWorkers) launch(w fillWork, parts [][]int, on func(workerMsg)) (func(), error) {
	f.work, f.parts, f.on, f.played = w, parts, on, map[int]bool{}
	return func() { f.stopped++ }, nil
}

// play runs the parts' runs natively, as the Workers would, and hands
// their messages to the state.
func (f *fakeFillWorkers) play(t *testing.T) { f.playRuns(t, -1) }

// playRuns plays the first n runs of the first Worker only (every run of
// every Worker not played yet when n < 0).
func (f *fakeFillWorkers) playRuns(t *testing.T, n int) {
	t.Helper()
	nodes, err := gputrace.ReadNodes(bytes.NewReader(f.work.Nodes.Data), f.work.Nodes.Name)
	require.NoError(t, err)
	tasks, err := gputrace.ReadTasks(bytes.NewReader(f.work.Tasks.Data), f.work.Tasks.Name)
	require.NoError(t, err)
	for k, part := range f.parts {
		if n >= 0 {
			part = part[:n]
		}
		for _, i := range part {
			if f.played[i] {
				continue
			}
			f.played[i] = true
			run := f.work.Runs[i]
			r, err := fill.Run(nodes, tasks, fill.Config{Policy: run.Policy, Seed: run.Seed, Tune: f.work.Tune})
			require.NoError(t, err)
			line, _ := json.Marshal(r)
			f.on(workerMsg{Part: k, Kind: "run", Index: i, Line: string(line)})
		}
		if n >= 0 {
			return
		}
		f.on(workerMsg{Part: k, Kind: "done"})
	}
}

func loadedFill(t *testing.T, tasksName string) *fillState {
	t.Helper()
	st := newFillState()
	require.NoError(t, st.addFile("openb_node_list_all_node.csv", traceFile(t, "openb_node_list_all_node.csv")))
	require.NoError(t, st.addFile(tasksName, traceFile(t, "openb_pod_list_default.csv")))
	st.choice.Policies = []string{"fgd", "random"} // ticked in another order than gpushare.Names
	st.choice.First, st.choice.Last = 42, 43
	return st
}

// An experiment of 2 policies × 2 seeds in (fake) Workers gives the CSV
// fill.WriteCSV gives natively, byte for byte, and a row per policy
// beside the published mean of the same task list.
func TestFillRunMatchesNative(t *testing.T) {
	st := loadedFill(t, "openb_pod_list_default.csv")
	fw := &fakeFillWorkers{}
	inline := func(f func()) { f() }
	require.NoError(t, st.start(2, fw.launch, inline))
	require.Equal(t, []fillRun{{"random", 42}, {"random", 43}, {"fgd", 42}, {"fgd", 43}}, fw.work.Runs)
	require.EqualValues(t, 1300, fw.work.Tune)
	require.Equal(t, [][]int{{0, 3}, {2, 1}}, fw.parts) // seed 42 of both policies first, each policy on both Workers
	require.True(t, st.running())
	fw.play(t)
	require.False(t, st.running())
	require.Equal(t, 1, fw.stopped)
	require.True(t, st.job.complete())

	nodes, err := gputrace.ReadNodes(bytes.NewReader(traceFile(t, "openb_node_list_all_node.csv")), "n")
	require.NoError(t, err)
	tasks, err := gputrace.ReadTasks(bytes.NewReader(traceFile(t, "openb_pod_list_default.csv")), "t")
	require.NoError(t, err)
	var want []*fill.Result
	for _, r := range fw.work.Runs {
		res, err := fill.Run(nodes, tasks, fill.Config{Policy: r.Policy, Seed: r.Seed, Tune: fill.DefaultTune})
		require.NoError(t, err)
		want = append(want, res)
	}
	var wantCSV bytes.Buffer
	require.NoError(t, fill.WriteCSV(&wantCSV, "openb_pod_list_default", want))
	got, err := st.job.csv()
	require.NoError(t, err)
	require.Equal(t, wantCSV.String(), string(got))

	rows := fillRows(st.job, st.publishedRows())
	require.Len(t, rows, 2)
	require.Equal(t, "random", rows[0].Policy)
	require.Equal(t, "fgd", rows[1].Policy)
	fgd := rows[1]
	require.Equal(t, 2, fgd.Runs)
	require.InDelta(t, float64(want[2].Curve[100]+want[3].Curve[100])/2/100, fgd.Ours.Y[100], 1e-9)
	require.NotNil(t, fgd.Published)
	require.Equal(t, 10, fgd.PubRuns)
	require.InDelta(t, 95.23, fgd.Published.Y[100], 0.01) // README: published FGD at 100 %
	require.InDelta(t, 86.30, rows[0].Published.Y[100], 0.01)
}

// A task list under another name has no published results to match, and
// neither has another tune.
func TestFillPublishedOnlyForItsWorkloadAndTune(t *testing.T) {
	for _, c := range []struct {
		name, tune string
		want       bool
	}{
		{"openb_pod_list_default.csv", "1.3", true},
		{"openb_pod_list_default.csv", "1.30", true},
		{"my_pods.csv", "1.3", false},
		{"openb_pod_list_default.csv", "1.2", false},
	} {
		st := loadedFill(t, c.name)
		st.choice.Policies, st.choice.Last, st.choice.Tune = []string{"best-fit"}, 42, c.tune
		fw := &fakeFillWorkers{}
		require.NoError(t, st.start(1, fw.launch, func(f func()) { f() }))
		fw.play(t)
		rows := fillRows(st.job, st.publishedRows())
		require.Len(t, rows, 1)
		require.Equal(t, c.want, rows[0].Published != nil, "%s tune %s", c.name, c.tune)
	}
	require.Equal(t, []string{"openb_pod_list_default", "openb_pod_list_gpushare40"}, publishedWorkloads(newFillState().publishedRows()))
}

// Cancel terminates the Workers and keeps nothing; results that come
// after are dropped, and a Worker's bad message fails the job.
func TestFillCancelAndFailures(t *testing.T) {
	st := loadedFill(t, "openb_pod_list_default.csv")
	fw := &fakeFillWorkers{}
	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	job := st.job
	st.cancel()
	require.Equal(t, 1, fw.stopped)
	require.Nil(t, st.job)
	require.False(t, st.running())
	require.Equal(t, "Cancelled after 0 of 4 runs; nothing kept.", st.note)
	st.message(job, workerMsg{Kind: "run", Index: 0, Line: "{}"}) // late: dropped
	require.Nil(t, st.job)

	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	r := &fill.Result{Policy: "fgd", Seed: 42, Tune: 1300}
	line, _ := json.Marshal(r)
	fw.on(workerMsg{Kind: "run", Index: 0, Line: string(line)}) // run 0 is random seed 42
	require.Nil(t, st.job)
	require.Contains(t, st.note, "The experiment failed after 0 of 4 runs, nothing kept: a Worker sent fgd seed 42 tune 1300 as run 0, which is random seed 42 tune 1300")

	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	fw.on(workerMsg{Kind: "done"})
	fw.on(workerMsg{Kind: "done"})
	require.Contains(t, st.note, "the Workers stopped with 0 of 4 runs done")

	// Files are not taken while a job runs.
	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	require.Error(t, st.addFile("x.csv", []byte("sn,cpu_milli,memory_mib,gpu,model\n")))
	require.Contains(t, st.fileErr, "an experiment is under way")
}

// The form's errors say what to change; nothing starts.
func TestFillStartErrors(t *testing.T) {
	fw := &fakeFillWorkers{}
	st := newFillState()
	require.Error(t, st.start(2, fw.launch, func(f func()) { f() }))
	require.Equal(t, "Not started: drop the trace's node list and task list first", st.note)
	st = loadedFill(t, "openb_pod_list_default.csv")
	for _, c := range []struct {
		edit func(*fillChoice)
		want string
	}{
		{func(c *fillChoice) { c.Policies = nil }, "choose at least one policy"},
		{func(c *fillChoice) { c.Tune = "0" }, "tune: want a number above 0"},
		{func(c *fillChoice) { c.First, c.Last = 50, 42 }, "seeds: want from A to B with A ≤ B"},
		{func(c *fillChoice) { c.First, c.Last = 1, 200 }, "at most 100 seeds"},
	} {
		ch := st.choice
		c.edit(&st.choice)
		require.Error(t, st.start(2, fw.launch, func(f func()) { f() }))
		require.Contains(t, st.note, c.want)
		require.False(t, st.running())
		st.choice = ch
	}
	st.nodes = &fillTrace{Name: "cpu_nodes.csv", Count: 3}
	require.Error(t, st.start(2, fw.launch, func(f func()) { f() }))
	require.Equal(t, "Not started: cpu_nodes.csv has no node with GPUs: there is nothing to fill", st.note)
	require.NoError(t, st.addFile("n.csv", []byte("sn,cpu_milli,memory_mib,gpu,model\nn1,1000,1000,2,T4\n")))
	require.NoError(t, st.addFile("cpu_tasks.csv", []byte("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\nt1,100,100,0,0,,0,\n")))
	require.Error(t, st.start(2, fw.launch, func(f func()) { f() }))
	require.Equal(t, "Not started: cpu_tasks.csv has no task asking for a GPU: there is nothing to fill the GPUs with", st.note)
	require.Nil(t, fw.on, "no Worker was started")
}

// The runs are dealt seed by seed, each Worker's share of every seed's
// runs before the next seed's, and no Worker gets all of one policy.
func TestFillParts(t *testing.T) {
	ch := defaultFillChoice()
	runs, _, err := ch.runs()
	require.NoError(t, err)
	require.Len(t, runs, 60)
	parts := fillParts(runs, 2)
	require.Len(t, parts, 2)
	var all []int
	for _, part := range parts {
		require.Len(t, part, 30)
		// The first three runs of each Worker are of seed 42, of three policies.
		for _, i := range part[:3] {
			require.EqualValues(t, 42, runs[i].Seed)
		}
		for k := 1; k < len(part); k++ {
			require.LessOrEqual(t, runs[part[k-1]].Seed, runs[part[k]].Seed, "seed by seed")
		}
		perPolicy := map[string]int{}
		for _, i := range part {
			perPolicy[runs[i].Policy]++
		}
		require.Len(t, perPolicy, 6)
		for p, n := range perPolicy {
			require.Equal(t, 5, n, p)
		}
		all = append(all, part...)
	}
	slices.Sort(all)
	for i, r := range all {
		require.Equal(t, i, r, "every run once")
	}
	require.Equal(t, [][]int{{0}}, fillParts(runs[:1], 4))
	require.Len(t, fillParts(runs, 4), 4)
}

func TestFillTextHelpers(t *testing.T) {
	require.Equal(t, "8,152", commas(8152))
	require.Equal(t, "1,234,567", commas(1234567))
	require.Equal(t, "999", commas(999))
	require.Equal(t, "7,120.5", milliGPUText(7120500))
	require.Equal(t, "6,212", milliGPUText(6212000))
	require.Equal(t, "FGD", policyLabel("fgd"))
	require.Equal(t, "DotProd", policyLabel("dot-product"))
	require.Equal(t, "c5", policyColor("fgd"))
}

// The tab draws its hooks: the drop zone and the files held, the form,
// and once an experiment is complete its progress, both charts (a solid
// path per policy and a dashed one per published curve), a table row per
// policy with the means in full, and the download.
func TestFillPanelRenders(t *testing.T) {
	empty := newFillState()
	page := app.HTMLString(&FillPanel{St: empty, V: empty.v})
	runButton := regexp.MustCompile(`<button[^>]*data-testid="fill-run"[^>]*>`)
	require.NotContains(t, runButton.FindString(page), `disabled="false"`, "nothing to run before both files are in")
	require.Contains(t, runButton.FindString(page), `disabled`)
	require.Contains(t, page, "not yet")

	st := loadedFill(t, "openb_pod_list_default.csv")
	page = app.HTMLString(&FillPanel{St: st, V: st.v})
	require.Contains(t, runButton.FindString(page), `disabled="false"`)
	for _, hook := range []string{`data-testid="fill-files"`, `data-testid="fill-choose"`, `data-testid="fill-nodes"`, `data-name="openb_node_list_all_node.csv"`,
		`data-count="8152"`, `data-testid="fill-run"`, "Run 4 runs (2 policies × 2 seeds)", "the peer published results of this list"} {
		require.Contains(t, page, hook)
	}
	require.NotContains(t, page, `data-testid="fill-results"`)

	fw := &fakeFillWorkers{}
	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	page = app.HTMLString(&FillPanel{St: st, V: st.v})
	require.Contains(t, page, `data-testid="fill-cancel"`)
	require.Contains(t, page, `data-done="0"`)
	require.NotContains(t, page, `data-testid="fill-chart"`)
	// A run in: its curve drawn at once, no table or download yet.
	fw.playRuns(t, 1)
	page = app.HTMLString(&FillPanel{St: st, V: st.v})
	require.Contains(t, page, `data-testid="fill-chart"`)
	require.Equal(t, 2, strings.Count(page, `data-kind="ours"`)) // one policy, two charts
	require.Contains(t, page, "so far the mean of the 1 of 4 runs done")
	require.NotContains(t, page, `data-testid="fill-results"`)
	require.NotContains(t, page, `data-testid="fill-csv"`)
	fw.play(t) // the rest
	page = app.HTMLString(&FillPanel{St: st, V: st.v})
	require.NotContains(t, page, `data-testid="fill-cancel"`)
	for _, hook := range []string{`data-testid="fill-progress"`, `data-done="4"`, `data-total="4"`, `data-testid="fill-chart"`,
		`data-testid="fill-chart-zoom"`, `data-testid="fill-results"`, `data-testid="fill-csv"`, `data-policy="fgd"`, `data-published="95.227"`} {
		require.Contains(t, page, hook)
	}
	require.Equal(t, 4, strings.Count(page, `data-kind="ours"`)) // 2 policies × 2 charts
	require.Equal(t, 4, strings.Count(page, `data-kind="published"`))
	rows := fillRows(st.job, st.publishedRows())
	require.Contains(t, page, `data-mean="`+strconv.FormatFloat(rows[1].Ours.Y[100], 'f', -1, 64)+`"`)

	// A task list the peer did not publish: no dashed curves, and a key that says why.
	st = loadedFill(t, "my_pods.csv")
	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	fw.play(t)
	page = app.HTMLString(&FillPanel{St: st, V: st.v})
	require.Equal(t, 0, strings.Count(page, `data-kind="published"`))
	require.Contains(t, page, "No published results to draw beside them: the peer published openb_pod_list_default and openb_pod_list_gpushare40 at tune 1.3, and this is my_pods at tune 1.3.")
}

// A complete experiment is kept (fillState.keep) and shown again by a
// new page (restore) with the same chart, table and CSV, byte for byte,
// and the form set to its policies, seeds and tune; a record of another
// version, or none, shows nothing; a damaged or tampered one is an error
// and changes nothing.
func TestFillKeptAndRestored(t *testing.T) {
	st := loadedFill(t, "openb_pod_list_default.csv")
	var kept [][]byte
	st.keep = func(data []byte) { kept = append(kept, data) }
	st.choice.Tune = "1.30"
	fw := &fakeFillWorkers{}
	require.NoError(t, st.start(2, fw.launch, func(f func()) { f() }))
	fw.playRuns(t, 2)
	require.Empty(t, kept, "only a complete experiment is kept")
	fw.play(t)
	require.Len(t, kept, 1)
	results := func(st *fillState) string {
		return canonicalHTML(app.HTMLString(app.Div().Body((&FillPanel{St: st, V: st.v}).renderResults(st.job)...)))
	}
	wantCSV, err := st.job.csv()
	require.NoError(t, err)
	wantHTML := results(st)

	again := newFillState()
	require.NoError(t, again.restore(kept[0]))
	require.True(t, again.job.complete())
	gotCSV, err := again.job.csv()
	require.NoError(t, err)
	require.Equal(t, string(wantCSV), string(gotCSV))
	require.Equal(t, wantHTML, results(again))
	require.Equal(t, fillChoice{Policies: []string{"random", "fgd"}, First: 42, Last: 43, Tune: "1.3"}, again.choice)
	require.Nil(t, again.nodes, "the files are not kept: dropped again to run")
	page := app.HTMLString(&FillPanel{St: again, V: again.v})
	require.Contains(t, page, "4 of 4 runs, kept from an earlier visit, in ")
	require.Contains(t, page, `data-testid="fill-csv"`)
	require.NoError(t, again.restore([]byte(`{"V":1}`)), "a job shown is not replaced")

	for _, c := range []struct{ name, data, err string }{
		{"absent version", `{}`, ""},
		{"older version", `{"V":0,"Runs":[]}`, ""},
		{"newer version", `{"V":2,"Whatever":1}`, ""},
		{"not JSON", `{"V":1`, "the last fill experiment: unexpected end of JSON input"},
		{"unknown field", strings.Replace(string(kept[0]), `"WallMs"`, `"Wall"`, 1), "Wall"},
		{"a result missing", strings.Replace(string(kept[0]), `"Results":[`, `"Results":[null,`, 1), "5 results for 4 runs"},
		{"a run not its result's", strings.Replace(string(kept[0]), `"Seed":43`, `"Seed":44`, 1), "the last fill experiment has random seed 43 tune 1300 as run 1, which is random seed 44 tune 1300"},
	} {
		fresh := newFillState()
		err := fresh.restore([]byte(c.data))
		if c.err == "" {
			require.NoError(t, err, c.name)
		} else {
			require.ErrorContains(t, err, c.err, c.name)
		}
		require.Nil(t, fresh.job, c.name)
		require.Equal(t, defaultFillChoice(), fresh.choice, c.name)
	}
}
