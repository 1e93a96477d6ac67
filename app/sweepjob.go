package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// sweepChoice is what the Sweep tab's form says: the built-in placement
// policies to compare (each a variant named by it), the variants added
// beyond them (a custom policy, monitor or repair settings), the
// baseline's name ("" or a name no longer listed: the first variant),
// the seeds (Seeds of them from First), the tick every run goes to, and
// the figures (empty: all).
type sweepChoice struct {
	Policies []string
	Extra    []variant.Variant
	Baseline string
	First    uint64
	Seeds    int
	Ticks    int64
	Figures  []string
}

// defaultSweepChoice is the form as the tab first shows it.
func defaultSweepChoice() sweepChoice {
	return sweepChoice{Policies: []string{"first-fit", "spread"}, First: 1, Seeds: 5, Ticks: 5000}
}

// variants are the sweep's variants in order: the built-in policies in
// the order of sched.Policies (so the first listed there is the default
// baseline whatever order they were ticked in), then the added ones.
func (c sweepChoice) variants() []variant.Variant {
	var out []variant.Variant
	for _, p := range sched.Policies() {
		if slices.Contains(c.Policies, p) {
			out = append(out, variant.Variant{Name: p, Policy: p})
		}
	}
	return append(out, c.Extra...)
}

// baseline is the name of the variant the others are compared with.
func (c sweepChoice) baseline() string {
	vs := c.variants()
	for _, v := range vs {
		if c.Baseline != "" && strings.EqualFold(v.Name, c.Baseline) {
			return v.Name
		}
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0].Name
}

// spec is the sweep spec of the choice over base (inline), named name.
// Errors say what to change in the form.
func (c sweepChoice) spec(name string, base *scenario.Scenario) (*sweep.Spec, error) {
	vs := c.variants()
	if len(vs) == 0 {
		return nil, fmt.Errorf("choose at least one placement policy or add a variant")
	}
	body, err := scenario.Marshal(base)
	if err != nil {
		return nil, err
	}
	s := &sweep.Spec{Format: sweep.Format, Name: name, Scenario: sweep.Source{Inline: body}, Variants: vs,
		Seeds: sweep.Seeds{First: max(1, c.First), Count: c.Seeds}, Ticks: clock.Tick(c.Ticks)}
	if b := c.baseline(); b != vs[0].Name {
		s.Baseline = b
	}
	if len(c.Figures) > 0 && len(c.Figures) < len(sweep.Figures()) {
		for _, f := range sweep.Figures() {
			if slices.Contains(c.Figures, f) {
				s.Figures = append(s.Figures, f)
			}
		}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// choiceOf is the form that gives spec (its scenario aside): plain
// built-in policy variants are ticked, the others added.
func choiceOf(spec *sweep.Spec) sweepChoice {
	c := sweepChoice{Baseline: spec.Baseline, First: spec.Seeds.First, Seeds: spec.Seeds.Count, Ticks: int64(spec.Ticks), Figures: slices.Clone(spec.Figures)}
	for _, v := range spec.Variants {
		if isPlainPolicy(v) {
			c.Policies = append(c.Policies, v.Policy)
		} else {
			c.Extra = append(c.Extra, v)
		}
	}
	return c
}

// sweepJob is one sweep in the page: the sweep, its header line (what the
// Workers are given) and the run lines that came back, by run index. It
// does no I/O: the Workers' messages are handed to add, and the page
// reads progress and, once complete, summary. Not safe for concurrent use
// (the UI goroutine owns it).
type sweepJob struct {
	sw      *sweep.Sweep
	header  []byte          // the header line, without a newline
	lines   [][]byte        // the run lines by index, nil until it came
	results []*sweep.Result // the same, decoded
	done    int
}

// newSweepJob starts the book of sw's runs.
func newSweepJob(sw *sweep.Sweep) (*sweepJob, error) {
	h, err := json.Marshal(sw.Header())
	if err != nil {
		return nil, err
	}
	return &sweepJob{sw: sw, header: h, lines: make([][]byte, sw.Runs()), results: make([]*sweep.Result, sw.Runs())}, nil
}

// add takes one run's line (as a Worker posts it). A line that is not a
// run of this sweep, or a run given twice, is an error and changes
// nothing.
func (j *sweepJob) add(line string) error {
	var r sweep.Result
	if err := strictjson.Decode("a Worker's run", []byte(line), &r); err != nil {
		return err
	}
	switch {
	case r.Kind != "run" || r.Sweep != j.sw.ID():
		return fmt.Errorf("a Worker sent run %d of another sweep (%s, not %s)", r.Index, r.Sweep, j.sw.ID())
	case r.Index < 0 || r.Index >= len(j.results):
		return fmt.Errorf("a Worker sent run %d: this sweep has runs 0 to %d", r.Index, len(j.results)-1)
	case j.results[r.Index] != nil:
		return fmt.Errorf("a Worker sent run %d twice", r.Index)
	}
	j.results[r.Index], j.lines[r.Index] = &r, []byte(line)
	j.done++
	return nil
}

// progress is how many runs are done of how many.
func (j *sweepJob) progress() (done, total int) { return j.done, len(j.results) }

// complete reports whether every run is in.
func (j *sweepJob) complete() bool { return j.done == len(j.results) }

// summary is the sweep's summary (sweep.Summarize): an error until every
// run is in.
func (j *sweepJob) summary() (*sweep.Summary, error) {
	if !j.complete() {
		return nil, fmt.Errorf("%d of the %d runs are done: no summary yet", j.done, len(j.results))
	}
	rs := make([]sweep.Result, len(j.results))
	for i, r := range j.results {
		rs[i] = *r
	}
	return j.sw.Summarize(rs)
}

// jsonl is the sweep as `ccsim sweep --json` writes it: the header, the
// runs in order, then the summary line; only when complete.
func (j *sweepJob) jsonl() ([]byte, error) {
	sum, err := j.summary()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(j.header)
	b.WriteByte('\n')
	for _, l := range j.lines {
		b.Write(l)
		b.WriteByte('\n')
	}
	s, _ := json.Marshal(sum)
	b.Write(s)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// sweepParts splits runs run indices among workers Workers, every
// workers-th run from each one's number (as sweep.Shard does), so each
// has a share of every variant and seed.
func sweepParts(runs, workers int) [][]int {
	workers = max(1, min(workers, runs))
	out := make([][]int, workers)
	for i := range runs {
		out[i%workers] = append(out[i%workers], i)
	}
	return out
}

// sweepWorkersMax bounds the Workers a sweep starts, whatever the
// browser's hardwareConcurrency says: each holds a wasm instance.
const sweepWorkersMax = 4

// sweepWorkerCount is how many Workers run runs runs on a browser that
// reports cores logical cores (0 when unknown): one per core, at least 1,
// at most sweepWorkersMax and at most the runs.
func sweepWorkerCount(cores, runs int) int {
	return max(1, min(cores, sweepWorkersMax, runs))
}

// summaryCSV is the summary as CSV, as `ccsim sweep --csv` writes it.
func summaryCSV(sum *sweep.Summary) ([]byte, error) {
	var b bytes.Buffer
	err := sum.WriteCSV(&b)
	return b.Bytes(), err
}

// excludesZero reports whether an interval lies wholly above or below 0:
// a real difference.
func excludesZero(iv sweep.Interval) bool {
	return iv.Low != nil && (*iv.Low > 0 || *iv.High < 0)
}

// workerPool is the Web Workers of a tab's job (a sweep's, a fill
// experiment's): how to stop them, how many there are and how many said
// they are done. The UI goroutine owns it.
type workerPool struct {
	stop    func() // terminates the Workers of the job under way; nil otherwise
	parts   int    // the Workers of the job under way
	idle    int    // of them, those done
	workers int    // how many Workers the last job started; 0 for one read back from storage
}

// running reports whether a job is under way.
func (w *workerPool) running() bool { return w.stop != nil }

// started keeps the stop of parts Workers just started.
func (w *workerPool) started(stop func(), parts int) {
	w.stop, w.parts, w.idle, w.workers = stop, parts, 0, parts
}

// terminate stops the Workers under way, if any: nothing more arrives.
func (w *workerPool) terminate() {
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
}

// read takes a Worker's message: a run's result goes to add, and
// progress says how many runs are in after it. It returns why the job
// failed: add refused the run, a Worker reported an error, or every
// Worker is done with runs missing; "" otherwise.
func (w *workerPool) read(m workerMsg, add func(workerMsg) error, progress func() (done, total int)) (why string) {
	switch m.Kind {
	case "run":
		if err := add(m); err != nil {
			return err.Error()
		}
	case "done":
		w.idle++
	case "error":
		return m.Err
	}
	if done, total := progress(); done < total && w.idle == w.parts {
		return fmt.Sprintf("the Workers stopped with %d of %d runs done", done, total)
	}
	return ""
}

// workerMsg is one message of a sweep Worker (web/sweep-worker.js):
// Kind "run" (Index, Line), "done" or "error" (Err), from Worker Part.
type workerMsg struct {
	Part  int
	Kind  string
	Index int
	Line  string
	Err   string
}
