package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// policyList is a repeatable --policy flag.
type policyList []string

func (p *policyList) String() string     { return strings.Join(*p, ",") }
func (p *policyList) Set(s string) error { *p = append(*p, s); return nil }

// sweepCmd is `ccsim sweep`: a spec file, or the quick form's flags.
func sweepCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "merge" {
		return sweepMerge(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("ccsim sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("scenario", "", "quick form: a scenario (JSON) or an inventory (YAML)")
	builtin := fs.String("builtin", "", "quick form: a built-in scenario: "+strings.Join(scenario.Builtins(), ", "))
	var policies policyList
	fs.Var(&policies, "policy", "quick form: a placement policy, one variant each (repeat the flag)")
	score := fs.String("score", "", "quick form: a variant \"custom\" placing by this score expression (README: Custom placement policies)")
	filter := fs.String("filter", "", "quick form: and this filter expression")
	seeds := fs.String("seeds", "", "quick form: N seeds (1..N) or a range A-B")
	ticks := fs.Int64("ticks", 0, "quick form: run each run until the clock reads this tick")
	figures := fs.String("figures", "", "quick form: the figures, comma-separated (default: all: "+strings.Join(sweep.Figures(), ", ")+")")
	shard := fs.String("shard", "", "run only part `I/N`, I from 0: JSON lines of its runs, to merge with 'ccsim sweep merge'")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "runs at once")
	o := sweepOutput{}
	o.flags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ccsim sweep: %v\n", err)
		return 1
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(stderr, "ccsim sweep: %s\n", msg)
		return 2
	}
	quick := *file != "" || *builtin != "" || len(policies) > 0 || *seeds != "" || *ticks != 0 || *figures != "" || *score != "" || *filter != ""
	var sw *sweep.Sweep
	switch {
	case len(pos) > 1:
		return usageErr(fmt.Sprintf("unexpected argument %q", pos[1]))
	case len(pos) == 1 && quick:
		return usageErr("give a spec file or the quick form's flags, not both")
	case len(pos) == 1:
		if sw, err = loadSweep(pos[0]); err != nil {
			return fail(err)
		}
	default:
		var custom *sched.CustomSpec
		if *score != "" || *filter != "" {
			custom = &sched.CustomSpec{Filter: *filter, Score: *score}
		}
		spec, err := quickSpec(*file, *builtin, policies, custom, *seeds, *ticks, *figures)
		if err != nil {
			return usageErr(err.Error())
		}
		base, err := loadScenario(*file, *builtin)
		if err != nil {
			return fail(err)
		}
		if sw, err = sweep.New(spec, base); err != nil {
			return fail(err)
		}
	}
	if *jobs < 1 {
		return usageErr(fmt.Sprintf("--jobs must be >= 1, got %d", *jobs))
	}
	runs := make([]int, sw.Runs())
	for i := range runs {
		runs[i] = i
	}
	if *shard != "" {
		part, parts, err := parseShard(*shard)
		if err != nil {
			return usageErr(err.Error())
		}
		if runs, err = sw.Shard(part, parts); err != nil {
			return usageErr(err.Error())
		}
		if o.csv != "" || o.runs != "" {
			return usageErr("--shard writes JSON lines to merge: --csv and --runs are for a whole sweep or a merge")
		}
		o.json = true // a part is lines, never a summary
	}
	results, err := doRuns(sw, runs, *jobs, o.lineWriter(stdout))
	if err != nil {
		return fail(err)
	}
	if *shard != "" {
		return o.close()
	}
	return o.finish(sw, results, stdout, stderr)
}

// sweepMerge is `ccsim sweep merge FILE...`: the parts' lines, one
// summary, the same as one run of the whole sweep would give.
func sweepMerge(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccsim sweep merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := sweepOutput{}
	o.flags(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ccsim sweep merge: %v\n", err)
		return 1
	}
	if len(files) == 0 {
		fmt.Fprint(stderr, "ccsim sweep merge: give the parts' files (the output of ccsim sweep --shard I/N)\n")
		return 2
	}
	var sw *sweep.Sweep
	var all []sweep.Result
	var from []string // the file each run came from, by index
	for _, name := range files {
		data, err := readInput(name)
		if err != nil {
			return fail(err)
		}
		heads, results, err := sweep.ReadLines(name, data)
		if err != nil {
			return fail(err)
		}
		if len(heads) == 0 {
			return fail(fmt.Errorf("%s: no sweep header line (the first line of ccsim sweep's output)", name))
		}
		for _, h := range heads {
			switch {
			case sw == nil:
				if sw, err = sweep.FromHeader(name, h); err != nil {
					return fail(err)
				}
			case h.Sweep != sw.ID():
				return fail(fmt.Errorf("%s: a part of sweep %s, not of sweep %s (the first file's)", name, h.Sweep, sw.ID()))
			}
		}
		if from == nil {
			from = make([]string, sw.Runs())
		}
		for _, r := range results {
			switch {
			case r.Index < 0 || r.Index >= len(from):
				return fail(fmt.Errorf("%s: run %d: this sweep has runs 0 to %d", name, r.Index, len(from)-1))
			case from[r.Index] != "":
				return fail(fmt.Errorf("%s: run %d (%s, seed %d) is also in %s", name, r.Index, r.Variant, r.Seed, from[r.Index]))
			}
			from[r.Index] = name
		}
		all = append(all, results...)
	}
	// Lines in run order, as one run of the whole sweep writes them.
	ordered := make([]sweep.Result, sw.Runs())
	seen := make([]bool, sw.Runs())
	for _, r := range all {
		if r.Index >= 0 && r.Index < len(ordered) && !seen[r.Index] {
			ordered[r.Index], seen[r.Index] = r, true
		}
	}
	if _, err := sw.Summarize(all); err != nil {
		return fail(err)
	}
	w := o.lineWriter(stdout)
	if err := w.header(sw); err != nil {
		return fail(err)
	}
	for _, r := range ordered {
		if err := w.result(r); err != nil {
			return fail(err)
		}
	}
	return o.finish(sw, ordered, stdout, stderr)
}

// parseInterspersed parses flags given before, between or after the
// positional arguments (ccsim sweep spec.json --json), which the flag
// package alone stops at, and returns the positional ones. "--" ends the
// flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseOnce(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// loadSweep reads a spec file and its scenario (a file named in it is
// relative to the spec's directory), or a sweep's link (#s4.…, as the
// page's Sweep tab shares it).
func loadSweep(name string) (*sweep.Sweep, error) {
	if isLink(name) {
		d, err := link.Decode(name, sim.EngineVersion)
		if err != nil {
			return nil, err
		}
		if d.Sweep == nil {
			return nil, errors.New("this link is a scenario's or a comparison's, not a sweep's: give its scenario with --scenario (ccsim link decode LINK > FILE)")
		}
		return sweep.New(d.Sweep, d.Scenario)
	}
	data, err := readInput(name)
	if err != nil {
		return nil, err
	}
	spec, err := sweep.Parse(name, data)
	if err != nil {
		return nil, err
	}
	base, err := spec.Load(name, data, func(path string) (*scenario.Scenario, error) {
		if !filepath.IsAbs(path) && name != "-" {
			path = filepath.Join(filepath.Dir(name), path)
		}
		return loadScenario(path, "")
	})
	if err != nil {
		return nil, err
	}
	return sweep.New(spec, base)
}

// quickSpec is the spec of the quick form's flags: one variant per
// policy, named by it, then one named custom for the custom expressions;
// the scenario's own policy when none is given.
func quickSpec(file, builtin string, policies []string, custom *sched.CustomSpec, seeds string, ticks int64, figures string) (*sweep.Spec, error) {
	switch {
	case file == "" && builtin == "":
		return nil, errors.New("give a spec file, or --builtin NAME or --scenario FILE with --seeds and --ticks")
	case file != "" && builtin != "":
		return nil, errors.New("give --scenario or --builtin, not both")
	case seeds == "":
		return nil, errors.New("--seeds: give N (seeds 1..N) or a range A-B")
	case ticks < 1:
		return nil, errors.New("--ticks: give the tick each run goes to")
	}
	spec := &sweep.Spec{Format: sweep.Format, Ticks: clock.Tick(ticks)}
	if builtin != "" {
		spec.Name, spec.Scenario.Builtin = builtin, builtin
	} else {
		spec.Name, spec.Scenario.File = filepath.Base(file), file
	}
	for _, p := range policies {
		spec.Variants = append(spec.Variants, variant.Variant{Name: p, Policy: p})
	}
	if custom != nil {
		spec.Variants = append(spec.Variants, variant.Variant{Name: sched.CustomName, Policy: sched.CustomName, Custom: custom})
	}
	if len(spec.Variants) == 0 {
		spec.Variants = []variant.Variant{{Name: "scenario"}}
	}
	first, count, err := parseSeeds(seeds)
	if err != nil {
		return nil, err
	}
	spec.Seeds = sweep.Seeds{First: first, Count: count}
	if figures != "" {
		spec.Figures = strings.Split(figures, ",")
	}
	if err := spec.Validate(); err != nil {
		return nil, asFlagError(err, spec)
	}
	return spec, nil
}

// asFlagError says which flag of the quick form an error of its spec
// comes from: the user gave flags, not the spec's paths.
func asFlagError(err error, spec *sweep.Spec) error {
	msg := err.Error()
	path, rest, _ := strings.Cut(msg, ": ")
	field := path
	if i := strings.IndexByte(path, ']'); strings.HasPrefix(path, "variants[") && i > 0 {
		k, _ := strconv.Atoi(path[len("variants["):i])
		field = strings.TrimPrefix(path[i+1:], ".")
		if k < len(spec.Variants) && (field == "name" || field == "policy") {
			if field == "name" {
				return fmt.Errorf("--policy %s: given twice", spec.Variants[k].Name)
			}
			return fmt.Errorf("--policy %s: %s", spec.Variants[k].Policy, rest)
		}
	}
	switch {
	case field == "custom.score":
		return fmt.Errorf("--score: %s", rest)
	case field == "custom.filter":
		return fmt.Errorf("--filter: %s", rest)
	case strings.HasPrefix(field, "figures["):
		return fmt.Errorf("--figures: %s", rest)
	case strings.HasPrefix(field, "seeds."):
		return fmt.Errorf("--seeds: %s", rest)
	case field == "ticks":
		return fmt.Errorf("--ticks: %s", rest)
	}
	return err
}

// parseSeeds reads N (seeds 1..N) or A-B (seeds A..B).
func parseSeeds(s string) (first uint64, count int, err error) {
	bad := fmt.Errorf("--seeds: want N or A-B (A <= B), got %q", s)
	if a, b, ok := strings.Cut(s, "-"); ok {
		lo, err1 := strconv.ParseUint(a, 10, 64)
		hi, err2 := strconv.ParseUint(b, 10, 64)
		if err1 != nil || err2 != nil || hi < lo || hi-lo >= sweep.SeedsMax {
			return 0, 0, bad
		}
		return lo, int(hi-lo) + 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, 0, bad
	}
	return 1, n, nil
}

// parseShard reads I/N.
func parseShard(s string) (part, parts int, err error) {
	a, b, ok := strings.Cut(s, "/")
	part, err1 := strconv.Atoi(a)
	parts, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || parts < 1 || part < 0 || part >= parts {
		return 0, 0, fmt.Errorf("--shard: want I/N with 0 <= I < N, got %q", s)
	}
	return part, parts, nil
}

// doRuns runs the runs jobs at a time and hands each result to w in the
// order of runs as soon as it and those before it are done, so the lines
// come out in the same order whatever the number of jobs.
func doRuns(sw *sweep.Sweep, runs []int, jobs int, w *lineWriter) ([]sweep.Result, error) {
	if err := w.header(sw); err != nil {
		return nil, err
	}
	return runEach(runs, jobs, func(i int) (sweep.Result, error) { return sw.Do(i, runOptions()...) }, w.result)
}

// runEach is doRuns' engine: do(runs[k]) jobs at a time, each result
// handed to write in the order of runs. After the first error (of a run or
// of write) no run starts; it is returned once the runs under way end.
func runEach(runs []int, jobs int, do func(int) (sweep.Result, error), write func(sweep.Result) error) ([]sweep.Result, error) {
	type done struct {
		k   int
		r   sweep.Result
		err error
	}
	next, out := make(chan int), make(chan done)
	stop := make(chan struct{}) // closed at the first error: no run starts after it
	var once sync.Once
	halt := func() { once.Do(func() { close(stop) }) }
	var wg sync.WaitGroup
	for range min(jobs, max(len(runs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				select {
				case <-stop:
					continue // drain: the feeder is stopping too
				default:
				}
				r, err := do(runs[k])
				if err != nil {
					halt()
				}
				out <- done{k, r, err}
			}
		}()
	}
	go func() {
		defer close(next)
		for k := range runs {
			select { // stop first: a select with both ready picks at random
			case <-stop:
				return
			default:
			}
			select {
			case next <- k:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	results := make([]sweep.Result, len(runs))
	have := make([]bool, len(runs))
	written := 0
	var first error
	for d := range out {
		if d.err != nil && first == nil {
			first = d.err
		}
		results[d.k], have[d.k] = d.r, true
		for first == nil && written < len(runs) && have[written] {
			if err := write(results[written]); err != nil {
				first = err
				halt()
			}
			written++
		}
	}
	return results, first
}

// sweepOutput is where a sweep's results go: the flags both `ccsim sweep`
// and `ccsim sweep merge` take.
type sweepOutput struct {
	json bool   // JSON lines on stdout: header, runs, summary
	runs string // also write the header and run lines to this file
	csv  string // write the summary as CSV to this file
	file *os.File
	buf  *bufio.Writer
}

func (o *sweepOutput) flags(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print JSON lines: the sweep's header, one line per run, and the summary last")
	fs.StringVar(&o.runs, "runs", "", "also write the header and one JSON line per run to this file")
	fs.StringVar(&o.csv, "csv", "", "write the summary to this file as CSV")
}

// lineWriter writes header and run lines to stdout (with --json) and the
// --runs file.
type lineWriter struct {
	ws  []io.Writer
	err error
}

func (o *sweepOutput) lineWriter(stdout io.Writer) *lineWriter {
	w := &lineWriter{}
	if o.json {
		w.ws = append(w.ws, stdout)
	}
	if o.runs != "" {
		f, err := os.Create(o.runs)
		if err != nil {
			w.err = err
			return w
		}
		o.file, o.buf = f, bufio.NewWriterSize(f, 1<<16)
		w.ws = append(w.ws, o.buf)
	}
	return w
}

func (w *lineWriter) line(v any) error {
	if w.err != nil {
		return w.err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	for _, x := range w.ws {
		if _, err := x.Write(b); err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

func (w *lineWriter) header(sw *sweep.Sweep) error { return w.line(sw.Header()) }
func (w *lineWriter) result(r sweep.Result) error  { return w.line(&r) }

// close flushes the --runs file.
func (o *sweepOutput) close() int {
	if o.file == nil {
		return 0
	}
	if err := o.buf.Flush(); err != nil {
		return 1
	}
	if err := o.file.Close(); err != nil {
		return 1
	}
	return 0
}

// finish summarises and prints: the summary line (--json) or the table,
// and the CSV.
func (o *sweepOutput) finish(sw *sweep.Sweep, results []sweep.Result, stdout, stderr io.Writer) int {
	if rc := o.close(); rc != 0 {
		fmt.Fprintf(stderr, "ccsim sweep: writing %s failed\n", o.runs)
		return rc
	}
	sum, err := sw.Summarize(results)
	if err != nil {
		fmt.Fprintf(stderr, "ccsim sweep: %v\n", err)
		return 1
	}
	if o.csv != "" {
		f, err := os.Create(o.csv)
		if err == nil {
			err = sum.WriteCSV(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "ccsim sweep: %v\n", err)
			return 1
		}
	}
	if o.json {
		b, _ := json.Marshal(sum)
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		writeSummaryTable(stdout, sum)
	}
	status := 0
	for _, v := range sum.Variants {
		if v.Halted > 0 {
			fmt.Fprintf(stderr, "ccsim sweep: %s: %d of %d runs halted (their lines say why); the summary leaves them out\n", v.Name, v.Halted, v.Runs)
			status = 1
		}
	}
	return status
}

// writeSummaryTable prints the summary for a reader: per figure, each
// variant's mean [95 % interval] and its difference from the baseline,
// marked * when that interval excludes 0 (a real difference).
func writeSummaryTable(w io.Writer, sum *sweep.Summary) {
	name := sum.Sweep
	if sum.Name != "" {
		name += " " + sum.Name
	}
	fmt.Fprintf(w, "sweep %s: %d runs to tick %d, baseline %s\n", name, sum.Runs, sum.Ticks, sum.Baseline)
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "figure\tvariant\tn\tmean\t95%% CI\tvs %s (paired)\n", sum.Baseline)
	marked := false
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	span := func(iv sweep.Interval) string {
		if iv.Low == nil {
			return "n/a"
		}
		return "[" + g(*iv.Low) + ", " + g(*iv.High) + "]"
	}
	for _, f := range sum.Figures {
		for _, v := range sum.Variants {
			iv := v.Figures[f]
			mean, ci := "n/a", "n/a"
			if iv.N > 0 {
				mean, ci = g(iv.Mean), span(iv)
			}
			vs := "baseline"
			if v.Name != sum.Baseline {
				vs = "n/a"
				if d := v.VsBaseline[f]; d.N > 0 {
					vs = fmt.Sprintf("%+.6g %s", d.Mean, span(d))
					if d.Low != nil && (*d.Low > 0 || *d.High < 0) {
						vs += " *"
						marked = true
					}
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", f, v.Name, iv.N, mean, ci, vs)
		}
	}
	tw.Flush()
	if marked {
		fmt.Fprintln(w, "* the paired difference's 95% interval excludes 0: a real difference")
	}
}

// runOptions are the sim options of a sweep's runs: under wasm (one
// thread) a run yields, as `ccsim run` does, so the collector keeps up.
func runOptions() []sim.Option {
	if runtime.GOOS == "js" {
		return []sim.Option{sim.WithYield(1024, runtime.Gosched)}
	}
	return nil
}
