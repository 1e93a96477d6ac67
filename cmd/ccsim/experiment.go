package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/cloudchamber/cloudchamber/core/fill"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
)

// experimentCmd is `ccsim experiment KIND ...`; the one kind is fill.
func experimentCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "fill" {
		fmt.Fprint(stderr, "ccsim experiment: give the experiment: fill (ccsim experiment fill --nodes FILE --pods FILE --policy NAME)\n")
		return 2
	}
	return experimentFill(args[1:], stdout, stderr)
}

// experimentFill is `ccsim experiment fill`: the paper's fill experiment
// (core/fill) for one policy, or all six, over a range of seeds.
func experimentFill(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccsim experiment fill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nodesFile := fs.String("nodes", "", "the node list (CSV: sn, cpu_milli, memory_mib, gpu, model)")
	podsFile := fs.String("pods", "", "the task list (CSV: name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, ...)")
	policy := fs.String("policy", "", "the placement policy: "+strings.Join(gpushare.Names(), ", ")+" ("+gpushare.NameGpuBestFit+", as a scenario names it, is "+gpushare.NameBestFit+"), or all")
	seeds := fs.String("seeds", "42-51", "N seeds (1..N) or a range A-B; the peer's are 42-51")
	tune := fs.String("tune", "1.3", "inflate (or cut) the tasks' GPU requests to this many times the cluster's GPUs")
	csvOut := fs.String("csv", "", "also write the curves, one row per run, in the peer's CSV layout to `OUT` (- for standard output, the table then on standard error)")
	cpuNodes := fs.Bool("cpu-nodes", false, "keep the nodes without GPUs (the peer's experiments leave them out)")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "runs at once")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(stderr, "ccsim experiment fill: %s\n", msg)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ccsim experiment fill: %v\n", err)
		return 1
	}
	switch {
	case len(pos) > 0:
		return usageErr(fmt.Sprintf("unexpected argument %q", pos[0]))
	case *nodesFile == "":
		return usageErr("--nodes: give the node list (CSV)")
	case *podsFile == "":
		return usageErr("--pods: give the task list (CSV)")
	case *policy == "":
		return usageErr("--policy: give one of " + strings.Join(gpushare.Names(), ", ") + ", or all")
	case *jobs < 1:
		return usageErr(fmt.Sprintf("--jobs must be >= 1, got %d", *jobs))
	}
	policies := gpushare.Names()
	if *policy == gpushare.NameGpuBestFit { // the paper's BestFit by its name in scenarios (sched's best-fit is another policy)
		*policy = gpushare.NameBestFit
	}
	if *policy != "all" {
		if !slices.Contains(policies, *policy) {
			return usageErr(fmt.Sprintf("--policy: unknown policy %q: want one of %s, or all", *policy, strings.Join(policies, ", ")))
		}
		policies = []string{*policy}
	}
	first, count, err := parseSeeds(*seeds)
	if err != nil {
		return usageErr(err.Error())
	}
	thousandths, err := parseThousandths(*tune)
	if err != nil {
		return usageErr("--tune: " + err.Error())
	}
	nodes, err := readTrace(*nodesFile, gputrace.ReadNodes)
	if err != nil {
		return fail(err)
	}
	tasks, err := readTrace(*podsFile, gputrace.ReadTasks)
	if err != nil {
		return fail(err)
	}

	type job struct {
		policy string
		seed   uint64
	}
	var todo []job
	for _, p := range policies {
		for s := range count {
			todo = append(todo, job{p, first + uint64(s)})
		}
	}
	results := make([]*fill.Result, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(*jobs, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = fill.Run(nodes, tasks, fill.Config{Policy: todo[i].policy, Seed: todo[i].seed,
					Tune: thousandths, CPUNodes: *cpuNodes})
			}
		}()
	}
	for i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fail(err) // the runs share their inputs: the first error says it
		}
	}

	workload := strings.TrimSuffix(filepath.Base(*podsFile), filepath.Ext(*podsFile))
	// With the CSV on standard output the table goes to standard error, so
	// "--csv - > runs.csv" gives a clean file.
	table := stdout
	if *csvOut == "-" {
		table = stderr
	}
	printFillSummary(table, workload, *tune, *seeds, results)
	published, err := fill.Published()
	if err != nil {
		return fail(err) // the embedded file: never, unless the build is broken
	}
	printFillPublished(table, workload, thousandths, results, published)
	if *csvOut != "" {
		w := stdout
		var f *os.File
		if *csvOut != "-" {
			if f, err = os.Create(*csvOut); err != nil {
				return fail(err)
			}
			w = f
		}
		err := fill.WriteCSV(w, workload, results)
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fail(fmt.Errorf("--csv %s: %w", *csvOut, err))
		}
	}
	return 0
}

// readTrace opens a trace file and reads it with read (gputrace's readers
// name the file, line and column of a bad field).
func readTrace[T any](name string, read func(io.Reader, string) ([]T, error)) ([]T, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f, name)
}

// printFillSummary prints, per run, the allocation ratio once 100 % and
// 130 % of the cluster's GPUs have been asked and the unplaced tasks by
// kind, then each policy's mean.
func printFillSummary(w io.Writer, workload, tune, seeds string, results []*fill.Result) {
	r0 := results[0]
	fmt.Fprintf(w, "fill experiment: %s on %d nodes (%d GPUs), tune %s, seeds %s\n", workload, r0.Nodes, r0.TotalGPUs, tune, seeds)
	fmt.Fprintln(w, "allocation: GPU booked in % of the cluster's once 100 % and 130 % of its GPUs were asked; unplaced tasks by kind")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "policy\tseed\ttasks\talloc@100%\talloc@130%\tunplaced"
	for k := range gpushare.Kinds {
		head += "\t" + k.String()
	}
	fmt.Fprintln(tw, head+"\t")
	pct := func(h int64) string {
		if h == fill.Missing {
			return "-"
		}
		return fmt.Sprintf("%d.%02d", h/100, h%100)
	}
	mean := func(rs []*fill.Result, col int) string {
		var s int64
		for _, r := range rs {
			if r.Curve[col] == fill.Missing {
				return "-"
			}
			s += r.Curve[col]
		}
		return strconv.FormatFloat(float64(s)/float64(len(rs))/100, 'f', 2, 64)
	}
	for i := 0; i < len(results); {
		j := i
		for j < len(results) && results[j].Policy == results[i].Policy {
			j++
		}
		var unplaced [gpushare.Kinds]int
		total, tasks := 0, 0
		for _, r := range results[i:j] {
			line := fmt.Sprintf("%s\t%d\t%d\t%s\t%s\t%d", r.Policy, r.Seed, r.Tasks, pct(r.Curve[100]), pct(r.Curve[130]), r.UnplacedTotal())
			for k, u := range r.Unplaced {
				line += fmt.Sprintf("\t%d", u)
				unplaced[k] += u
			}
			fmt.Fprintln(tw, line+"\t")
			total += r.UnplacedTotal()
			tasks += r.Tasks
		}
		if n := j - i; n > 1 {
			line := fmt.Sprintf("%s\tmean\t%.1f\t%s\t%s\t%.1f", results[i].Policy, float64(tasks)/float64(n),
				mean(results[i:j], 100), mean(results[i:j], 130), float64(total)/float64(n))
			for _, u := range unplaced {
				line += fmt.Sprintf("\t%.1f", float64(u)/float64(n))
			}
			fmt.Fprintln(tw, line+"\t")
		}
		i = j
	}
	tw.Flush()
}

// parseThousandths reads a tune ("1.3") as thousandths (fill.ParseThousandths).
func parseThousandths(s string) (int64, error) { return fill.ParseThousandths(s) }

// printFillPublished prints, when the peer published runs of the task list
// at this tune (fill.Published: openb_pod_list_default and
// openb_pod_list_gpushare40 at 1.3), each policy's mean allocation at 100 %
// beside the published mean and the gap (ours minus published, in
// percentage points), as the page's table does; nothing otherwise.
func printFillPublished(w io.Writer, workload string, tune int64, results []*fill.Result, published []fill.Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := false
	for i := 0; i < len(results); {
		j := i
		for j < len(results) && results[j].Policy == results[i].Policy {
			j++
		}
		policy := results[i].Policy
		pub, pubRuns := fill.PublishedMean(published, workload, policy, tune, 100)
		var sum int64
		ours := 0
		for _, r := range results[i:j] {
			if r.Curve[100] != fill.Missing {
				sum += r.Curve[100]
				ours++
			}
		}
		i = j
		if pubRuns == 0 || ours == 0 {
			continue
		}
		if !header {
			fmt.Fprintf(w, "published: the peer's mean allocation at 100 %% on %s, tune %s (its seeds 42-51; a seed's run is not the peer's run of that seed)\n",
				workload, fill.FormatThousandths(tune))
			fmt.Fprintln(tw, "policy\truns\talloc@100%\tpublished\tgap\t")
			header = true
		}
		mean := float64(sum) / float64(ours) / 100
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%+.2f\t\n", policy, ours, mean, pub, mean-pub)
	}
	tw.Flush()
}
