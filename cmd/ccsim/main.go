// Command ccsim is CloudChamber's headless command-line tool: it validates
// inventories, scenarios, sweep specs and GPU traces, runs scenarios without a browser, and generates large
// inventories. It replaces the original's PowerShell cmdlets. It runs
// natively and, built with GOOS=js GOARCH=wasm, under Node with the same
// output.
//
//	ccsim validate FILE...
//	ccsim run [--scenario FILE | --builtin NAME] [--ticks N] [--seed S] [--trace OUT.jsonl] [--json]
//	ccsim gen [--regions R] [--zones Z] [--racks K] [--blades B] [--pdus P] [--tors T] [-o FILE]
//	ccsim gen churn [--blades N] [--days D] [--per-blade A] [--policy P] [--seed S] [-o FILE]
//	ccsim gen availability [--blades N] [--mtbf T] [--mttr T] [--seed S] [-o FILE]
//	ccsim sweep SPEC.json | --builtin NAME | --scenario FILE --policy P... --seeds N --ticks T [--shard I/N] [--json]
//	ccsim sweep merge FILE...
//	ccsim import alibaba-gpu --nodes FILE --pods FILE [-o FILE]
//	ccsim experiment fill --nodes FILE --pods FILE --policy NAME|all [--seeds A-B] [--tune 1.3] [--csv OUT]
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage:
  ccsim validate FILE...
      check inventory YAML files, scenario JSON files (and their inventories), sweep specs
      (JSON, their scenario and variants) and GPU trace CSVs (node or task lists, every row),
      each recognised by its content; one summary line per good file, each error on stderr as
      FILE:LINE:COLUMN: path: what is wrong
  ccsim run [--scenario FILE | --builtin NAME] [--ticks N] [--seed S] [--trace OUT.jsonl] [--metrics OUT.csv] [--json]
      run a scenario (JSON) or an inventory (YAML, run with the default settings and bring-up)
      under the no-wait policy until the clock reads N (default 1000); the default is the
      built-in default scenario
  ccsim gen [--regions R] [--zones Z] [--racks K] [--blades B] [--pdus P] [--tors T] [-o FILE]
      write a generated inventory (YAML) to FILE or stdout
  ccsim gen churn [--blades N] [--days D] [--per-blade A] [--policy P] [--seed S] [-o FILE]
      write the churn study's scenario (JSON; make bench-peers): the workload-churn built-in's mix
      on N blades (default 10000, racks of 50), A arrivals per blade (default 10) over D days
      (default 30) living 2 days, blade failures with an MTBF of 30 days each; run it with
      --ticks D×86400 (the summary line with -o says so)
  ccsim gen availability [--blades N] [--mtbf T] [--mttr T] [--seed S] [-o FILE]
      write the availability study's scenario (JSON; make bench-peers): the availability built-in
      on N blades (default 256, racks of 16) failing and repaired after exponential times with
      means T (defaults 18000 and 2000 ticks)
  ccsim sweep SPEC.json | LINK [--shard I/N] [--jobs J] [--json] [--runs OUT.jsonl] [--csv OUT.csv]
  ccsim sweep --builtin NAME | --scenario FILE [--policy P ...] [--score EXPR [--filter EXPR]] --seeds N|A-B --ticks T [--figures F,...] [...]
      run a scenario under each variant (the quick form: one per --policy) for each seed, to tick
      T, as many runs at once as --jobs (default: the cores), plus one named custom placing by the
      --score and --filter expressions; print per figure and variant the
      mean, its 95% interval and the paired difference from the baseline (the first variant).
      --json prints JSON lines instead: a header, one line per run, the summary last; --shard I/N
      runs part I (from 0) of N and prints its lines, for ccsim sweep merge. A sweep's link
      (#s4...., the page's Sweep tab shares it) runs the same sweep. Spec format and figures:
      README.md, Sweeps
  ccsim sweep merge [--json] [--runs OUT.jsonl] [--csv OUT.csv] FILE...
      summarise the parts' lines (ccsim sweep --shard I/N) as one run of the whole sweep would
  ccsim experiment fill --nodes FILE --pods FILE --policy NAME|all [--seeds N|A-B] [--tune T] [--csv OUT] [--cpu-nodes] [--jobs J]
      the fill experiment of "Beware of Fragmentation" (USENIX ATC 2023) on a GPU trace (the
      Alibaba 2023 trace's node and task lists): the tasks shuffled by each seed (default 42-51;
      --seeds N is seeds 1 to N, A-B seeds A to B)
      and inflated to T (default 1.3) times the cluster's GPUs, placed one at a time by the policy
      (random, dot-product, gpu-clustering, gpu-packing, best-fit, fgd; all: the six); prints
      the GPU allocation at 100 % and 130 % asked and the unplaced tasks by kind, per run and
      mean; --csv writes the curves (0..130 %) in the peer simulator's layout. README.md, The fill
      experiment
  ccsim import alibaba-gpu --nodes FILE --pods FILE [--rack-size N] [--zone-racks N] [--policy P] [--mtbf T] [--mttr T] [--seed S]
        [--sample-nodes N] [--sample-tasks M] [--start S] [--time-scale K] [--sample-every T] [--name NAME] [-o FILE]
      write a GPU cluster trace (the Alibaba trace's node and task lists, CSV) as a scenario (JSON):
      nodes as blades with their GPUs, in racks and zones; tasks as workloads created and deleted at
      their times (a tick a second). README.md, A trace as a scenario
  ccsim link encode [--builtin NAME | FILE | - | --sweep SPEC.json]
      print the link fragment (#s2....) of a scenario (JSON, or an inventory YAML run with the
      default settings, from a file or - for standard input), as the app's share button makes it;
      a scenario too large for a link is refused, as the app would refuse the link. --sweep: the
      link (#s4....) of a sweep, its scenario carried in it
  ccsim link decode LINK | FILE | -
      print the scenario (JSON) a link or its fragment carries: given as an argument, in a file,
      or on standard input (-); for a comparison's link (#s3.) its variants are named on stderr;
      for a sweep's link (#s4.) its spec is printed, its scenario inline
`

// stdin is where "ccsim link decode -" reads its link (tests set it).
var stdin io.Reader = os.Stdin

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program, minus the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "run":
		return runScenario(args[1:], stdout, stderr)
	case "gen":
		return gen(args[1:], stdout, stderr)
	case "sweep":
		return sweepCmd(args[1:], stdout, stderr)
	case "link":
		return linkCmd(args[1:], stdin, stdout, stderr)
	case "import":
		return importCmd(args[1:], stdout, stderr)
	case "experiment":
		return experimentCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "ccsim: unknown command %q\n%s", args[0], usage)
	return 2
}
