package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/fill"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// The GPU fill tab runs the paper's fill experiment (core/fill, as
// `ccsim experiment fill` does) on a trace's node list and task list
// dropped on the page, in the sweep's Web Workers, and draws each
// policy's mean curve beside the peer's published one. This file is its
// logic, without the browser: fill_panel.go draws it.

// fillSeedsMax bounds the seeds of one experiment (runs: policies × seeds).
const fillSeedsMax = 100

// fillTrace is a trace file the tab holds: its name, its bytes (what the
// Workers are given; the lists read from them are not kept) and what the
// reader found in it.
type fillTrace struct {
	Name  string
	Data  []byte `json:"-"` // not kept with a complete experiment (fillRecord)
	Count int    // nodes or tasks
	// Nodes: the devices of the nodes with GPUs, and those nodes.
	// Tasks: the milli-GPU the tasks ask for, and the tasks asking some.
	GPUs, GPUItems int64
	readMs         float64 // how long reading its rows took in the page
}

// Workload is a task list's name in the peer's results: its file name
// without the extension ("openb_pod_list_default").
func (f *fillTrace) Workload() string { return strings.TrimSuffix(f.Name, path.Ext(f.Name)) }

// readFillTrace tells what a file is by its header (gputrace.Sniff) and
// reads it whole, so a bad row is reported now, with the reader's
// located messages (up to gputrace.ErrorsMax of them), not by a Worker.
func readFillTrace(name string, data []byte) (gputrace.Kind, *fillTrace, error) {
	kind, err := gputrace.Sniff(data, name)
	if err != nil {
		return gputrace.KindUnknown, nil, err
	}
	f := &fillTrace{Name: name, Data: data}
	switch kind {
	case gputrace.KindNodes:
		nodes, err := gputrace.ReadNodes(bytes.NewReader(data), name)
		if err != nil {
			return kind, nil, err
		}
		f.Count = len(nodes)
		for _, n := range nodes {
			if n.GPUs > 0 {
				f.GPUs += int64(n.GPUs)
				f.GPUItems++
			}
		}
	case gputrace.KindTasks:
		tasks, err := gputrace.ReadTasks(bytes.NewReader(data), name)
		if err != nil {
			return kind, nil, err
		}
		f.Count = len(tasks)
		for i := range tasks {
			if g := tasks[i].MilliGPUs(); g > 0 {
				f.GPUs += g
				f.GPUItems++
			}
		}
	}
	return kind, f, nil
}

// fillChoice is the tab's form: the policies (gpushare names), the seeds
// First..Last and the tune as typed ("1.3").
type fillChoice struct {
	Policies    []string
	First, Last uint64
	Tune        string
}

// defaultFillChoice is the peer's experiment: every policy, seeds 42..51,
// tune 1.3.
func defaultFillChoice() fillChoice {
	return fillChoice{Policies: gpushare.Names(), First: 42, Last: 51, Tune: "1.3"}
}

// fillRun is one run of an experiment: a policy and a seed.
type fillRun struct {
	Policy string
	Seed   uint64
}

// runs are the experiment's runs in the order `ccsim experiment fill`
// writes them: by policy in gpushare.Names order, then by seed. tune is
// in thousandths. Errors say what to change in the form.
func (c fillChoice) runs() (runs []fillRun, tune int64, err error) {
	tune, err = fill.ParseThousandths(strings.TrimSpace(c.Tune))
	if err != nil {
		return nil, 0, fmt.Errorf("tune: %w", err)
	}
	if c.Last < c.First || c.Last-c.First >= fillSeedsMax {
		return nil, 0, fmt.Errorf("seeds: want from A to B with A ≤ B, at most %d seeds; got %d to %d", fillSeedsMax, c.First, c.Last)
	}
	for _, p := range gpushare.Names() {
		if !slices.Contains(c.Policies, p) {
			continue
		}
		for s := c.First; ; s++ {
			runs = append(runs, fillRun{p, s})
			if s == c.Last {
				break
			}
		}
	}
	if len(runs) == 0 {
		return nil, 0, errors.New("choose at least one policy")
	}
	return runs, tune, nil
}

// fillJob is one experiment in the page: its inputs, its runs and the
// results that came back, by run index. It does no I/O: the Workers'
// messages are handed to add. The UI goroutine owns it.
type fillJob struct {
	nodes, tasks *fillTrace
	tune         int64
	runs         []fillRun
	results      []*fill.Result
	done         int
	startMs      float64 // the page's clock when it started
	wallMs       float64 // how long it took, once complete
}

// add takes one run's result, as a Worker posts it (fill.Result as JSON).
// A result that is not of the run asked for, or comes twice, is an error
// and changes nothing.
func (j *fillJob) add(index int, line string) error {
	if index < 0 || index >= len(j.runs) {
		return fmt.Errorf("a Worker sent run %d: this experiment has runs 0 to %d", index, len(j.runs)-1)
	}
	var r fill.Result
	if err := strictjson.Decode("a Worker's run", []byte(line), &r); err != nil {
		return err
	}
	return j.put("a Worker sent", index, &r)
}

// put takes run index's result r, checked as add does; who says where r
// came from in the errors ("a Worker sent").
func (j *fillJob) put(who string, index int, r *fill.Result) error {
	switch {
	case index < 0 || index >= len(j.runs):
		return fmt.Errorf("%s run %d: this experiment has runs 0 to %d", who, index, len(j.runs)-1)
	case r == nil:
		return fmt.Errorf("%s no result as run %d", who, index)
	}
	switch want := j.runs[index]; {
	case r.Policy != want.Policy || r.Seed != want.Seed || r.Tune != j.tune:
		return fmt.Errorf("%s %s seed %d tune %d as run %d, which is %s seed %d tune %d",
			who, r.Policy, r.Seed, r.Tune, index, want.Policy, want.Seed, j.tune)
	case j.results[index] != nil:
		return fmt.Errorf("%s run %d twice", who, index)
	}
	j.results[index] = r
	j.done++
	return nil
}

// fillRecordVersion is the V of the record a complete experiment is kept
// as (fillRecord); a record of another version is not shown.
const fillRecordVersion = 1

// fillRecord is a complete experiment as the tab keeps it in storage
// (storage.FillRecord, as JSON), to show it again after a reload: the
// trace's two files without their bytes (names, counts), the tune in
// thousandths, the runs and their results by run, and how long it took
// (ms).
type fillRecord struct {
	V            int
	Nodes, Tasks *fillTrace
	Tune         int64
	Runs         []fillRun
	Results      []*fill.Result
	WallMs       float64
}

// record is the job as kept (fillRecord JSON); only when complete.
func (j *fillJob) record() ([]byte, error) {
	if !j.complete() {
		return nil, fmt.Errorf("%d of the %d runs are done", j.done, len(j.runs))
	}
	return json.Marshal(&fillRecord{V: fillRecordVersion, Nodes: j.nodes, Tasks: j.tasks, Tune: j.tune, Runs: j.runs, Results: j.results, WallMs: j.wallMs})
}

// fillJobOf reads a kept experiment (record's JSON) back as a complete
// job: nil, and no error, when the record is of another version; an
// error when it cannot be read or is not a complete experiment.
func fillJobOf(data []byte) (*fillJob, error) {
	const what = "the last fill experiment"
	var head struct{ V int }
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if head.V != fillRecordVersion {
		return nil, nil
	}
	var rec fillRecord
	if err := strictjson.Decode(what, data, &rec); err != nil {
		return nil, err
	}
	switch {
	case rec.Nodes == nil || rec.Tasks == nil:
		return nil, fmt.Errorf("%s: its node list or task list is missing", what)
	case len(rec.Runs) == 0 || len(rec.Results) != len(rec.Runs):
		return nil, fmt.Errorf("%s: %d results for %d runs", what, len(rec.Results), len(rec.Runs))
	}
	j := &fillJob{nodes: rec.Nodes, tasks: rec.Tasks, tune: rec.Tune, runs: rec.Runs, results: make([]*fill.Result, len(rec.Runs)), wallMs: rec.WallMs}
	for i, r := range rec.Results {
		if err := j.put(what+" has", i, r); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func (j *fillJob) progress() (done, total int) { return j.done, len(j.runs) }

func (j *fillJob) complete() bool { return j.done == len(j.runs) }

// csv is the results in the peer's layout, as `ccsim experiment fill
// --csv` writes them (fill.WriteCSV); only when complete.
func (j *fillJob) csv() ([]byte, error) {
	if !j.complete() {
		return nil, fmt.Errorf("%d of the %d runs are done", j.done, len(j.runs))
	}
	var b bytes.Buffer
	err := fill.WriteCSV(&b, j.tasks.Workload(), j.results)
	return b.Bytes(), err
}

// fillParts deals the runs (by policy, then seed) among workers Workers
// seed by seed: each Worker does its share of the first seed's runs, one
// per policy, before any of the next seed's, so every policy's curve is
// drawn within seconds and refines as seeds come in. A seed's runs go
// round the Workers from a place that moves with the seed, so no Worker
// gets every run of one policy (Random's take longest).
func fillParts(runs []fillRun, workers int) [][]int {
	workers = max(1, min(workers, len(runs)))
	out := make([][]int, workers)
	var seeds []uint64
	for _, r := range runs {
		if !slices.Contains(seeds, r.Seed) {
			seeds = append(seeds, r.Seed)
		}
	}
	slices.Sort(seeds)
	for s, seed := range seeds {
		j := 0
		for i, r := range runs {
			if r.Seed == seed {
				k := (j + s) % workers
				out[k] = append(out[k], i)
				j++
			}
		}
	}
	return out
}

// fillWork is what the Workers are given (web/sweep-worker.js's fill
// message): the trace's two files and the tune, and per Worker its runs.
type fillWork struct {
	Nodes, Tasks *fillTrace
	Tune         int64
	Runs         []fillRun
}

// fillLauncher starts a fill job's Workers (startFillWorkers; tests pass
// a fake): one per part, each given the trace and its runs (indices into
// w.Runs); on gets every message, from a JS callback. stop terminates
// them all.
type fillLauncher func(w fillWork, parts [][]int, on func(workerMsg)) (stop func(), err error)

// fillState is the GPU fill tab's state, kept by the Shell so an
// experiment goes on while another tab is shown: the files, the form, the
// experiment under way or the last complete one. The UI goroutine owns
// it; the Workers' messages reach it through dispatch.
type fillState struct {
	nodes, tasks *fillTrace
	fileErr      string // why the last file dropped was refused
	choice       fillChoice
	workerPool            // the Workers of the job under way
	job          *fillJob // under way, or the last complete one; nil when none or cancelled
	note         string   // what became of the last job when it did not complete
	v            uint64   // bumped by every change, so the panel re-renders

	keep     func(data []byte) // keeps a complete job's record (Storage.PutLastFill); nil: not kept
	restored bool              // the last kept experiment was asked for

	published    []fill.Row // the peer's results, read once (fill.Published)
	publishedErr error
}

func newFillState() *fillState { return &fillState{choice: defaultFillChoice()} }

// addFile takes a file dropped or chosen: a node list or a task list,
// told by its header, replaces the one held. A file refused (not a node
// or task list, a bad row) keeps its message in fileErr and changes
// nothing else; so does any file while an experiment runs.
func (st *fillState) addFile(name string, data []byte) error {
	st.v++
	if st.running() {
		st.fileErr = name + ": not read: an experiment is under way (cancel it first)"
		return errors.New(st.fileErr)
	}
	kind, f, err := readFillTrace(name, data)
	if err != nil {
		st.fileErr = err.Error()
		return err
	}
	st.fileErr = ""
	if kind == gputrace.KindNodes {
		st.nodes = f
	} else {
		st.tasks = f
	}
	return nil
}

// held is the file held under name, nil if none.
func (st *fillState) held(name string) *fillTrace {
	for _, f := range []*fillTrace{st.nodes, st.tasks} {
		if f != nil && f.Name == name {
			return f
		}
	}
	return nil
}

// start runs the form's experiment on the files held, in up to cores
// Workers (sweepWorkerCount) started by launch; dispatch hands a Worker's
// message to the UI goroutine. The previous results are dropped. An
// error (a file missing, a bad form, no Workers) leaves nothing under way
// and is kept in note.
func (st *fillState) start(cores int, launch fillLauncher, dispatch func(func())) error {
	st.cancel()
	st.job, st.note = nil, ""
	st.v++
	err := func() error {
		switch {
		case st.nodes == nil && st.tasks == nil:
			return errors.New("drop the trace's node list and task list first")
		case st.nodes == nil:
			return errors.New("drop the trace's node list too")
		case st.tasks == nil:
			return errors.New("drop the trace's task list too")
		case st.nodes.GPUs == 0:
			return fmt.Errorf("%s has no node with GPUs: there is nothing to fill", st.nodes.Name)
		case st.tasks.GPUs == 0:
			return fmt.Errorf("%s has no task asking for a GPU: there is nothing to fill the GPUs with", st.tasks.Name)
		}
		runs, tune, err := st.choice.runs()
		if err != nil {
			return err
		}
		job := &fillJob{nodes: st.nodes, tasks: st.tasks, tune: tune, runs: runs, results: make([]*fill.Result, len(runs)), startMs: nowMs()}
		parts := fillParts(runs, sweepWorkerCount(cores, len(runs)))
		stop, err := launch(fillWork{Nodes: st.nodes, Tasks: st.tasks, Tune: tune, Runs: runs}, parts, func(m workerMsg) {
			dispatch(func() { st.message(job, m) })
		})
		if err != nil {
			return err
		}
		st.job = job
		st.started(stop, len(parts))
		return nil
	}()
	if err != nil {
		st.note = "Not started: " + err.Error()
	}
	return err
}

// message takes a Worker's message for job; those of a job no longer
// under way are dropped.
func (st *fillState) message(job *fillJob, m workerMsg) {
	if job != st.job || !st.running() {
		return
	}
	st.v++
	if why := st.read(m, func(m workerMsg) error { return job.add(m.Index, m.Line) }, job.progress); why != "" {
		st.fail(why)
		return
	}
	if job.complete() {
		job.wallMs = nowMs() - job.startMs
		st.terminate()
		if st.keep != nil {
			if data, err := job.record(); err == nil {
				st.keep(data)
			}
		}
	}
}

// restore shows an experiment kept by an earlier page (fillRecord JSON)
// and sets the form to its policies, seeds and tune; the files are not
// held (drop them again to run). Nothing changes while an experiment is
// under way or shown, on a record of another version, or on an error.
func (st *fillState) restore(data []byte) error {
	if st.running() || st.job != nil {
		return nil
	}
	job, err := fillJobOf(data)
	if err != nil || job == nil {
		return err
	}
	ch := fillChoice{First: job.runs[0].Seed, Last: job.runs[0].Seed, Tune: fill.FormatThousandths(job.tune)}
	for _, r := range job.runs {
		if !slices.Contains(ch.Policies, r.Policy) {
			ch.Policies = append(ch.Policies, r.Policy)
		}
		ch.First, ch.Last = min(ch.First, r.Seed), max(ch.Last, r.Seed)
	}
	st.choice, st.job, st.workers, st.note = ch, job, 0, ""
	st.v++
	return nil
}

// fail stops the job under way and keeps nothing of it.
func (st *fillState) fail(why string) {
	done, total := st.job.progress()
	st.cancel()
	st.note = fmt.Sprintf("The experiment failed after %d of %d runs, nothing kept: %s", done, total, why)
}

// cancel terminates the Workers of the job under way and drops its runs.
func (st *fillState) cancel() {
	if !st.running() {
		return
	}
	done, total := st.job.progress()
	st.terminate()
	st.job = nil
	st.note = fmt.Sprintf("Cancelled after %d of %d runs; nothing kept.", done, total)
	st.v++
}

// fillCurve is a policy's mean curve: Y[i] the mean allocation (%) once
// i % of the GPUs were asked, over the runs that reached i (N[i] of
// them; no point where none did).
type fillCurve struct {
	Policy string
	Y      [fill.Columns]float64
	N      [fill.Columns]int
}

// meanCurve is the mean of curves (hundredths of a percent), column by
// column, leaving out the runs without a value there.
func meanCurve(policy string, curves [][fill.Columns]int64) fillCurve {
	c := fillCurve{Policy: policy}
	var sum [fill.Columns]int64
	for _, cv := range curves {
		for i, v := range cv {
			if v != fill.Missing {
				sum[i] += v
				c.N[i]++
			}
		}
	}
	for i := range sum {
		if c.N[i] > 0 {
			c.Y[i] = float64(sum[i]) / float64(c.N[i]) / 100
		}
	}
	return c
}

// at is the curve's value at column i, and whether it has one.
func (c *fillCurve) at(i int) (float64, bool) { return c.Y[i], c.N[i] > 0 }

// fillRow is a policy's line of the results: its mean curve, the runs
// and their unplaced tasks, and the published mean curve when the task
// list is one the peer published (nil otherwise).
type fillRow struct {
	Policy    string
	Runs      int
	Ours      fillCurve
	Unplaced  float64 // tasks left unplaced, mean per run
	Published *fillCurve
	PubRuns   int
}

// fillRows are the job's results per policy, in gpushare.Names order,
// each beside the published rows of the same workload, policy and tune.
func fillRows(job *fillJob, published []fill.Row) []fillRow {
	var out []fillRow
	for _, p := range gpushare.Names() {
		var curves [][fill.Columns]int64
		unplaced := 0
		for _, r := range job.results {
			if r != nil && r.Policy == p {
				curves = append(curves, r.Curve)
				unplaced += r.UnplacedTotal()
			}
		}
		if len(curves) == 0 {
			continue
		}
		row := fillRow{Policy: p, Runs: len(curves), Ours: meanCurve(p, curves), Unplaced: float64(unplaced) / float64(len(curves))}
		pub := fillCurve{Policy: p}
		for col := range fill.Columns {
			pub.Y[col], pub.N[col] = fill.PublishedMean(published, job.tasks.Workload(), p, job.tune, col)
			row.PubRuns = max(row.PubRuns, pub.N[col])
		}
		if row.PubRuns > 0 {
			row.Published = &pub
		}
		out = append(out, row)
	}
	return out
}

// publishedRows are the peer's published results, read once.
func (st *fillState) publishedRows() []fill.Row {
	if st.published == nil && st.publishedErr == nil {
		st.published, st.publishedErr = fill.Published()
	}
	return st.published
}

// publishedWorkloads are the task lists the peer published results of,
// in the file's order.
func publishedWorkloads(rows []fill.Row) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.Workload) {
			out = append(out, r.Workload)
		}
	}
	return out
}
