//go:build !js

// Command peers is make bench-peers (issue 12): it times ccsim against its
// peer and against itself at several sizes, side by side in one run, and
// prints one `BENCH <name> <value> <unit>` line per figure on stdout
// (progress goes to stderr).
//
//	go run ./bench/peers -ccsim .bin/ccsim [-wasm .bin/ccsim.wasm] [-python /usr/bin/python3] [flags]
//
// Every run is a whole process, measured by the kernel's accounting of it
// when it ends (wait4's rusage): user and system CPU, peak RSS, and wall
// time. CPU per event is (user + sys) / the events the run dispatched (its
// report's "events"). Comparisons alternate the two commands A B A B … and
// quote the median of the pairs' ratios, so a drift in the machine's speed
// hits both sides.
//
// The studies (-studies, all by default):
//
//	availability  the availability study (ccsim gen availability: 256 blades,
//	              2,000,000 ticks) against its SimPy 2 model,
//	              bench/peers/availability_simpy.py: wall and CPU ratios and
//	              both measured availabilities
//	churn         the churn study (ccsim gen churn) at -sizes blades, first-fit:
//	              CPU per event at each, and each size's over 1,000 blades' (a
//	              1,000-blade run just before each larger one); its 50,000-blade
//	              run gives the native peak RSS
//	policy        spread over first-fit CPU at 10,000 blades
//	wasm          ccsim under Node over native CPU at 10,000 blades, whole
//	              processes and net of each side's start-up (a 1-tick run)
//	node-rss      the 50,000-blade churn under Node: peak RSS, and whether it
//	              completed within -node-timeout
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// day is a simulated day in ticks.
const day = 24 * 3600

// usage is one finished (or killed) process: its kernel accounting and
// what it printed.
type usage struct {
	Wall, User, Sys time.Duration
	MaxRSSKiB       int64 // peak resident set of the process, KiB
	Out, Err        []byte
	Exit            int  // exit status; -1 killed by a signal
	TimedOut        bool // killed at its time bound
}

// CPU is user plus system time.
func (u usage) CPU() time.Duration { return u.User + u.Sys }

// ccsimReport is the part of `ccsim run --json`'s report the figures need.
type ccsimReport struct {
	Tick         int64    `json:"tick"`
	Events       uint64   `json:"events"`
	Halted       string   `json:"halted"`
	Availability *float64 `json:"availability"` // with a control plane only
}

type bench struct {
	ccsim, wasm, python, model string
	goWasmExec                 string // $GOROOT/lib/wasm/go_js_wasm_exec
	dir                        string // the generated scenarios
	timeout, nodeTimeout       time.Duration
}

func main() {
	var b bench
	var studies, sizes string
	var reps, pairs int
	var availTicks int64
	flag.StringVar(&b.ccsim, "ccsim", ".bin/ccsim", "the native ccsim")
	flag.StringVar(&b.wasm, "wasm", ".bin/ccsim.wasm", "ccsim built with GOOS=js GOARCH=wasm (studies wasm and node-rss)")
	flag.StringVar(&b.python, "python", "/usr/bin/python3", "the Python that has SimPy 2 (Debian's python3-simpy)")
	flag.StringVar(&b.model, "model", "bench/peers/availability_simpy.py", "the SimPy model of the availability study")
	flag.StringVar(&b.dir, "dir", "", "where to write the generated scenarios (default: a temporary directory)")
	flag.StringVar(&studies, "studies", "availability,churn,policy,wasm,node-rss", "which studies to run, comma-separated")
	flag.StringVar(&sizes, "sizes", "1000,10000,50000,100000", "blade counts of the churn study, comma-separated; the first is the baseline")
	flag.IntVar(&reps, "reps", 5, "pairs of runs in the availability comparison")
	flag.IntVar(&pairs, "pairs", 1, "pairs of runs in the 10,000-blade comparisons (policy, wasm)")
	flag.Int64Var(&availTicks, "avail-ticks", 2_000_000, "ticks of the availability study")
	flag.DurationVar(&b.timeout, "timeout", 30*time.Minute, "bound on one native or Python run")
	flag.DurationVar(&b.nodeTimeout, "node-timeout", 20*time.Minute, "bound on one run under Node")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}
	var err error
	for _, p := range []*string{&b.ccsim, &b.wasm, &b.model} {
		if *p, err = filepath.Abs(*p); err != nil {
			fail(err)
		}
	}
	b.goWasmExec = filepath.Join(runtime.GOROOT(), "lib", "wasm", "go_js_wasm_exec")
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		b.goWasmExec = filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "go_js_wasm_exec")
	}
	if b.dir == "" {
		if b.dir, err = os.MkdirTemp("", "bench-peers-"); err != nil {
			fail(err)
		}
		defer os.RemoveAll(b.dir)
	}
	var ns []int
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail(fmt.Errorf("-sizes: %q is not a blade count", s))
		}
		ns = append(ns, n)
	}
	want := strings.Split(studies, ",")
	for _, s := range want {
		if !slices.Contains([]string{"availability", "churn", "policy", "wasm", "node-rss"}, s) {
			fail(fmt.Errorf("-studies: unknown study %q (want availability, churn, policy, wasm, node-rss)", s))
		}
	}
	if slices.Contains(want, "availability") {
		b.availability(reps, availTicks)
	}
	if slices.Contains(want, "churn") {
		b.churn(ns)
	}
	if slices.Contains(want, "policy") {
		b.policy(pairs)
	}
	if slices.Contains(want, "wasm") {
		b.wasmVsNative(pairs)
	}
	if slices.Contains(want, "node-rss") {
		b.nodeRSS()
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "bench-peers: %v\n", err)
	os.Exit(1)
}

// emit prints one figure.
func emit(name string, v float64, unit string) {
	s := strconv.FormatFloat(v, 'g', 4, 64)
	switch {
	case unit == "fraction":
		s = strconv.FormatFloat(v, 'g', 6, 64)
	case v == float64(int64(v)):
		s = strconv.FormatInt(int64(v), 10) // counts, whole
	}
	fmt.Printf("BENCH %s %s %s\n", name, s, unit)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "# "+format+"\n", args...)
}

// measure runs a command to its end (or its time bound) and returns the
// kernel's accounting of it.
func measure(timeout time.Duration, name string, args ...string) usage {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	u := usage{Wall: time.Since(t0), Out: out.Bytes(), Err: errb.Bytes(), TimedOut: ctx.Err() != nil}
	if cmd.ProcessState == nil {
		fail(fmt.Errorf("%s: %v", name, err))
	}
	u.Exit = cmd.ProcessState.ExitCode()
	u.User, u.Sys = cmd.ProcessState.UserTime(), cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.MaxRSSKiB = ru.Maxrss // KiB on Linux
	}
	return u
}

// ccsimRun runs one scenario to tick ticks (natively, or under Node with
// node set) and decodes its report; a run that failed is fatal unless
// tolerate is set, when its report is the zero one.
func (b *bench) ccsimRun(scenario string, ticks int64, node, tolerate bool) (usage, ccsimReport) {
	args := []string{"run", "--scenario", scenario, "--ticks", strconv.FormatInt(ticks, 10), "--json"}
	var u usage
	if node {
		u = measure(b.nodeTimeout, b.goWasmExec, append([]string{b.wasm}, args...)...)
	} else {
		u = measure(b.timeout, b.ccsim, args...)
	}
	var rep ccsimReport
	err := json.Unmarshal(u.Out, &rep)
	switch {
	case err == nil && u.Exit == 0 && rep.Halted == "" && rep.Tick == ticks:
		return u, rep
	case err == nil && rep.Halted != "":
		err = fmt.Errorf("halted: %s", rep.Halted)
	case err == nil:
		err = fmt.Errorf("exit status %d at tick %d", u.Exit, rep.Tick)
	case u.TimedOut:
		err = fmt.Errorf("killed at its time bound after %s", u.Wall.Round(time.Second))
	default:
		err = fmt.Errorf("exit status %d and no report", u.Exit)
	}
	err = fmt.Errorf("ccsim run %s (node %t): %v; stderr: %s", filepath.Base(scenario), node, err, firstAndLast(u.Err))
	if !tolerate {
		fail(err)
	}
	progress("%v", err)
	return u, ccsimReport{}
}

// firstAndLast is the first line of a process's output (a Go runtime's
// fatal error says what it is there) and its end, for an error message.
func firstAndLast(b []byte) string {
	s := strings.TrimSpace(string(b))
	first, _, _ := strings.Cut(s, "\n")
	if first == s {
		return tail(b)
	}
	return first + " … " + tail(b)
}

// tail is the end of a process's output, for an error message.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 400 {
		s = "…" + s[len(s)-400:]
	}
	return s
}

// gen writes a scenario with ccsim gen and returns its path.
func (b *bench) gen(file string, args ...string) string {
	path := filepath.Join(b.dir, file)
	u := measure(b.timeout, b.ccsim, append(append([]string{"gen"}, args...), "-o", path)...)
	if u.Exit != 0 {
		fail(fmt.Errorf("ccsim gen %s: %s", strings.Join(args, " "), tail(u.Err)))
	}
	return path
}

// churnFile writes the churn study's scenario for n blades and a policy.
func (b *bench) churnFile(n int, policy string) string {
	return b.gen(fmt.Sprintf("churn-%d-%s.json", n, policy), "churn", "--blades", strconv.Itoa(n), "--policy", policy)
}

const churnTicks = 30 * day

// churnRun runs the churn study once and returns its CPU per event (µs).
func (b *bench) churnRun(file string, node bool) (float64, usage, ccsimReport) {
	u, rep := b.ccsimRun(file, churnTicks, node, false)
	cpe := u.CPU().Seconds() * 1e6 / float64(rep.Events)
	progress("%s (node %t): %d events, cpu %.1f s, wall %.1f s, %.2f µs/event, peak RSS %d MiB",
		filepath.Base(file), node, rep.Events, u.CPU().Seconds(), u.Wall.Seconds(), cpe, u.MaxRSSKiB>>10)
	return cpe, u, rep
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// availability times the availability study, ours against SimPy's, in
// reps alternating pairs.
func (b *bench) availability(reps int, ticks int64) {
	if u := measure(time.Minute, b.python, "-c", "import SimPy.Simulation"); u.Exit != 0 {
		fail(fmt.Errorf("%s has no SimPy 2 (apt-get install python3-simpy): %s", b.python, tail(u.Err)))
	}
	file := b.gen("availability.json", "availability")
	t := strconv.FormatInt(ticks, 10)
	var oursWall, simpyWall, wallRatio, cpuRatio []float64
	var ours, peer, stderr float64
	for i := range reps {
		uo, rep := b.ccsimRun(file, ticks, false, false)
		us := measure(b.timeout, b.python, b.model, file, "--ticks", t)
		if us.Exit != 0 {
			fail(fmt.Errorf("%s %s: exit %d: %s", b.python, b.model, us.Exit, tail(us.Err)))
		}
		fig := parseFields(string(us.Out))
		if rep.Availability == nil {
			fail(errors.New("ccsim run: the availability study's report has no availability"))
		}
		ours, peer, stderr = *rep.Availability, fig["availability"], fig["stderr"]
		progress("availability pair %d: ours %.2f s wall %.2f s cpu (%d events, availability %.6f), SimPy %.2f s wall %.2f s cpu (%.0f events, availability %.6f)",
			i+1, uo.Wall.Seconds(), uo.CPU().Seconds(), rep.Events, ours, us.Wall.Seconds(), us.CPU().Seconds(), fig["events"], peer)
		oursWall = append(oursWall, uo.Wall.Seconds())
		simpyWall = append(simpyWall, us.Wall.Seconds())
		wallRatio = append(wallRatio, uo.Wall.Seconds()/us.Wall.Seconds())
		cpuRatio = append(cpuRatio, uo.CPU().Seconds()/us.CPU().Seconds())
	}
	emit("availability-ours-wall", median(oursWall), "s")
	emit("availability-simpy-wall", median(simpyWall), "s")
	emit("availability-ours/simpy-wall", median(wallRatio), "x")
	emit("availability-ours/simpy-cpu", median(cpuRatio), "x")
	emit("availability-pairs", float64(reps), "pairs") // how many pairs the medians are of
	emit("availability-ours", ours, "fraction")
	emit("availability-simpy", peer, "fraction")
	// Both estimate the same availability with about the same sampling
	// error (SimPy's estimate of it, from its blades' spread): their
	// difference over √2 of it is a z-score, |z| < 2 agreeing.
	if stderr > 0 {
		emit("availability-ours-vs-simpy-z", (ours-peer)/(stderr*1.4142135623730951), "z")
	}
}

// parseFields reads the SimPy model's `key value …` line.
func parseFields(s string) map[string]float64 {
	f := strings.Fields(s)
	m := map[string]float64{}
	for i := 0; i+1 < len(f); i += 2 {
		if v, err := strconv.ParseFloat(f[i+1], 64); err == nil {
			m[f[i]] = v
		}
	}
	return m
}

// name is a blade count as a figure's name gives it: 1k, 50k, 1500.
func name(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// baseRuns is how many baseline runs go just before each larger size (the
// baseline is short, so its median is steadier than one run).
const baseRuns = 3

// churn runs the churn study at each size, the first (the baseline)
// baseRuns times just before each other, and prints CPU per event, each
// size's over the baseline's (the median of the runs just before it), and
// peak RSS.
func (b *bench) churn(sizes []int) {
	base := sizes[0]
	baseFile := b.churnFile(base, "first-fit")
	var all []float64
	var rep ccsimReport
	runBase := func() float64 {
		var cs []float64
		for range baseRuns {
			var c float64
			c, _, rep = b.churnRun(baseFile, false)
			cs = append(cs, c)
		}
		all = append(all, cs...)
		return median(cs)
	}
	for _, n := range sizes[1:] {
		file := b.churnFile(n, "first-fit")
		c0 := runBase()
		c, u, r := b.churnRun(file, false)
		emit("churn-"+name(n)+"-cpu-per-event", c, "us/event")
		emit("churn-"+name(n)+"-events", float64(r.Events), "events")
		emit("churn-"+name(n)+"-cpu", u.CPU().Seconds(), "s")
		emit("churn-"+name(n)+"-peak-rss-native", float64(u.MaxRSSKiB)/1024, "MiB")
		emit("churn-"+name(n)+"/"+name(base)+"-cpu-per-event", c/c0, "x")
	}
	if len(sizes) == 1 {
		runBase()
	}
	emit("churn-"+name(base)+"-cpu-per-event", median(all), "us/event")
	emit("churn-"+name(base)+"-events", float64(rep.Events), "events")
}

// compare alternates two churn runs pairs times and returns the median
// ratio of their CPU (a over b).
func (b *bench) compare(pairs int, fileA string, nodeA bool, fileB string, nodeB bool) float64 {
	var r []float64
	for range pairs {
		_, ua, _ := b.churnRun(fileA, nodeA)
		_, ub, _ := b.churnRun(fileB, nodeB)
		r = append(r, ua.CPU().Seconds()/ub.CPU().Seconds())
	}
	return median(r)
}

// policy: spread over first-fit CPU at 10,000 blades.
func (b *bench) policy(pairs int) {
	spread, ff := b.churnFile(10_000, "spread"), b.churnFile(10_000, "first-fit")
	emit("churn-10k-spread/first-fit-cpu", b.compare(pairs, spread, false, ff, false), "x")
	emit("churn-10k-spread/first-fit-pairs", float64(pairs), "pairs")
}

// wasmVsNative: ccsim under Node over native CPU at 10,000 blades, whole
// processes; then the same net of each side's start-up, the CPU of a run
// that does almost nothing (the 64-blade standard scenario for 1 tick):
// under Node that is compiling and starting the wasm module, a fixed cost
// of the process rather than of the simulation.
func (b *bench) wasmVsNative(pairs int) {
	ff := b.churnFile(10_000, "first-fit")
	var whole, net []float64
	for range pairs {
		_, uw, _ := b.churnRun(ff, true)
		_, un, _ := b.churnRun(ff, false)
		sw, sn := b.startup(true), b.startup(false)
		whole = append(whole, uw.CPU().Seconds()/un.CPU().Seconds())
		net = append(net, (uw.CPU()-sw.CPU()).Seconds()/(un.CPU()-sn.CPU()).Seconds())
		progress("start-up: node cpu %.2f s, native cpu %.3f s", sw.CPU().Seconds(), sn.CPU().Seconds())
	}
	emit("churn-10k-wasm/native-cpu", median(whole), "x")
	emit("churn-10k-wasm/native-cpu-net", median(net), "x")
	emit("churn-10k-wasm/native-pairs", float64(pairs), "pairs")
}

// startup is a run that does almost nothing: the process's start-up.
func (b *bench) startup(node bool) usage {
	args := []string{"run", "--builtin", "standard", "--ticks", "1", "--json"}
	var u usage
	if node {
		u = measure(b.nodeTimeout, b.goWasmExec, append([]string{b.wasm}, args...)...)
	} else {
		u = measure(b.timeout, b.ccsim, args...)
	}
	if u.Exit != 0 {
		fail(fmt.Errorf("ccsim %s (node %t): exit %d: %s", strings.Join(args, " "), node, u.Exit, tail(u.Err)))
	}
	return u
}

// nodeRSS runs the 50,000-blade churn under Node, bounded by -node-timeout:
// its peak RSS, and 1 if it completed (0 if it failed: out of memory, or
// the bound).
func (b *bench) nodeRSS() {
	ff := b.churnFile(50_000, "first-fit")
	u, rep := b.ccsimRun(ff, churnTicks, true, true)
	done := 0.0
	if rep.Tick == churnTicks {
		done = 1
		emit("churn-50k-node-cpu-per-event", u.CPU().Seconds()*1e6/float64(rep.Events), "us/event")
	}
	progress("churn-50000 under Node: exit %d, timed out %t, cpu %.1f s, wall %.1f s, peak RSS %d MiB",
		u.Exit, u.TimedOut, u.CPU().Seconds(), u.Wall.Seconds(), u.MaxRSSKiB>>10)
	emit("churn-50k-node-completed", done, "bool")
	emit("churn-50k-peak-rss-node", float64(u.MaxRSSKiB)/1024, "MiB")
}
