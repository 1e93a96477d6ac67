package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata")

func ccsim(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// golden compares got with testdata/name; the same files are checked when
// this test runs natively and under Node (make test-node), which is how we
// know the wasm build prints exactly what the native one does.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}

func TestRunDefault(t *testing.T) {
	out, errs, code := ccsim(t, "run")
	require.Equal(t, 0, code, errs)
	require.True(t, strings.HasSuffix(strings.TrimSpace(out), strings.Fields(lastLine(out))[1]))
	require.Contains(t, out, "tick 1000\n")
	require.Contains(t, out, "blades working 64\n")
	require.True(t, strings.HasPrefix(lastLine(out), "trace-sha256 "))
	golden(t, "run-default.txt", out)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestRunJSONAndSeed(t *testing.T) {
	out, errs, code := ccsim(t, "run", "--builtin", "extended", "--ticks", "50", "--seed", "42", "--json")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, `"tick":50`)
	require.Contains(t, out, `"blades":{"off_disconnected":0`[:len(`"blades":{`)])
	golden(t, "run-extended-seed42.json", out)

	other, _, _ := ccsim(t, "run", "--builtin", "extended", "--ticks", "50", "--json")
	require.NotEqual(t, out, other, "the seed changes the boot delays, so the trace")
}

func TestRunInventoryYAML(t *testing.T) {
	out, errs, code := ccsim(t, "run", "--scenario", filepath.Join("..", "..", "core", "inventory", "testdata", "original", "intermediate.yaml"), "--ticks", "30")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "blades working 16\n")
}

// --trace writes every entry of the run, not only what the bounded store
// keeps (a retention of 100 here).
func TestRunTraceHasEveryEntry(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "small-store.json")
	require.NoError(t, os.WriteFile(sc, []byte(`{"format":1,"name":"small store","inventory":{"builtin":"standard","version":1},`+
		`"seed":1,"tickMillis":1000,"policy":"manual","delays":{"setPower":{"low":1,"high":1},"setConnection":{"low":1,"high":1},`+
		`"booting":{"low":5,"high":8},"shutdown":{"low":2,"high":4}},"traceRetention":100,"script":[{"at":0,"do":"bring-up"}]}`), 0o644))
	tracePath := filepath.Join(dir, "trace.jsonl")
	_, errs, code := ccsim(t, "run", "--scenario", sc, "--ticks", "30", "--trace", tracePath)
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(tracePath)
	require.NoError(t, err)
	require.Greater(t, strings.Count(string(data), "\n"), 300)
	require.Contains(t, string(data), `"name":"bring-up"`)
	require.Contains(t, string(data), `"name":"start rack standard/standard/rack1"`, "from the very first entry")
}

func TestRunErrors(t *testing.T) {
	_, errs, code := ccsim(t, "run", "--builtin", "nope")
	require.Equal(t, 1, code)
	require.Contains(t, errs, `no built-in scenario "nope"`)
	_, errs, code = ccsim(t, "run", "--scenario", "x.json", "--builtin", "standard")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "not both")
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"format": 1, "seed": "x"}`), 0o644))
	_, errs, code = ccsim(t, "run", "--scenario", bad)
	require.Equal(t, 1, code)
	require.Contains(t, errs, `bad.json:1:23: seed: must be an integer, got "x"`)
}

// The field inputs of issue 10, as users meet them: ambiguous scenarios are
// refused naming the key and its place, and a value inside an anchor is
// located at its own line with the path of the element that uses it.
func TestFieldInputsNameTheirPlace(t *testing.T) {
	scenarios := filepath.Join("..", "..", "core", "scenario", "testdata", "field")
	for file, want := range map[string]string{
		"scenario-duplicate-seed.json":     "10:2: seed: repeats the key of line 9, column 2",
		"scenario-seed-and-Seed.json":      `10:2: Seed: repeats the key "seed" of line 9, column 2 (keys match regardless of case)`,
		"scenario-two-control-blocks.json": "207:2: control: repeats the key of line 31, column 2",
	} {
		name := filepath.Join(scenarios, file)
		_, errs, code := ccsim(t, "run", "--scenario", name, "--ticks", "10")
		require.Equal(t, 1, code, file)
		require.Equal(t, "ccsim run: "+name+":"+want+"\n", errs)
		_, errs, code = ccsim(t, "validate", name)
		require.Equal(t, 1, code, file)
		require.Equal(t, name+":"+want+"\n", errs)
	}
	name := filepath.Join("..", "..", "core", "inventory", "testdata", "field", "out-of-range-inside-anchor.yaml")
	want := name + `:32:14: region "region1": Zones[zone1].Racks[rack1].Blades[2].Capacity.Cores must be >= 1, got 0` +
		" (through *zoneType1 at line 114, *rackType1 at line 86, *bladeType2 at line 69)\n"
	_, errs, code := ccsim(t, "validate", name)
	require.Equal(t, 1, code)
	require.Equal(t, want, errs)
	_, errs, code = ccsim(t, "run", "--scenario", name)
	require.Equal(t, 1, code)
	require.Equal(t, "ccsim run: "+want, errs)
}

func TestValidate(t *testing.T) {
	dir := filepath.Join("..", "..", "core", "inventory", "testdata", "original")
	out, errs, code := ccsim(t, "validate", filepath.Join(dir, "standard.yaml"), filepath.Join(dir, "bad-yaml.yaml"), filepath.Join(dir, "extended.yaml"))
	require.Equal(t, 1, code, "a bad file fails the run")
	require.Equal(t, filepath.Join(dir, "standard.yaml")+": regions=1 zones=1 racks=8 pdus=8 tors=8 blades=64\n"+
		filepath.Join(dir, "extended.yaml")+": regions=2 zones=6 racks=24 pdus=36 tors=36 blades=192\n", out)
	require.Contains(t, errs, `Racks[rack1] is a duplicate`)

	_, _, code = ccsim(t, "validate", filepath.Join(dir, "simple.yaml"))
	require.Equal(t, 0, code)
	_, errs, code = ccsim(t, "validate", "missing.yaml")
	require.Equal(t, 1, code)
	require.Contains(t, errs, "missing.yaml")

	// A scenario is checked with its inventory.
	out, errs, code = ccsim(t, "validate", filepath.Join("..", "..", "static", "scenarios", "extended.json"))
	require.Equal(t, 0, code, errs)
	require.Equal(t, filepath.Join("..", "..", "static", "scenarios", "extended.json")+": regions=2 zones=6 racks=24 pdus=36 tors=36 blades=192\n", out)
}

func TestGenRoundTripsThroughValidateAndRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gen.yaml")
	out, errs, code := ccsim(t, "gen", "--regions", "2", "--zones", "2", "--racks", "3", "--blades", "10", "-o", path)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "regions=2 zones=4 racks=12 pdus=12 tors=12 blades=120")
	out, errs, code = ccsim(t, "validate", path)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "blades=120")
	out, errs, code = ccsim(t, "run", "--scenario", path, "--ticks", "20")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "blades working 120\n")

	_, errs, code = ccsim(t, "gen", "--blades", "0")
	require.Equal(t, 1, code)
	require.NotEmpty(t, errs)
}

func TestUsage(t *testing.T) {
	_, errs, code := ccsim(t)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "ccsim validate FILE")
	_, errs, code = ccsim(t, "fly")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `unknown command "fly"`)
}

// The control-plane stories print their workloads, faults and
// availability; availability also its expected value. The golden files are
// the same natively and under Node.
func TestRunControlPlaneJSON(t *testing.T) {
	for _, tc := range []struct{ name, ticks string }{{"availability", "20000"}, {"workload-churn", "3000"}} {
		out, errs, code := ccsim(t, "run", "--builtin", tc.name, "--ticks", tc.ticks, "--json")
		require.Equal(t, 0, code, errs)
		var rep map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		for _, k := range []string{"tick", "events", "blades", "faults", "availability", "trace_sha256"} {
			require.Contains(t, rep, k)
		}
		faults := rep["faults"].(map[string]any)
		require.Contains(t, faults, "injected")
		require.Contains(t, faults, "active")
		require.Contains(t, faults, "repaired")
		if tc.name == "availability" {
			require.InDelta(t, 0.9, rep["expected_availability"], 1e-12)
			require.Contains(t, rep, "mttr_ticks")
		} else {
			require.Contains(t, rep, "workloads")
		}
		golden(t, "run-"+tc.name+".json", out)
	}
}

func TestRunWritesMetricsCSV(t *testing.T) {
	csv := filepath.Join(t.TempDir(), "m.csv")
	_, errs, code := ccsim(t, "run", "--builtin", "pdu-outage", "--ticks", "300", "--metrics", csv)
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(csv)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 32, "a header and a sample every 10 ticks from 0 to 300")
	header := strings.Split(lines[0], ",")
	require.Equal(t, "tick", header[0])
	require.Contains(t, header, "blades_working")
	require.Contains(t, header, "instances_running")
	for _, l := range lines[1:] {
		require.Len(t, strings.Split(l, ","), len(header), l)
	}
	_, errs, code = ccsim(t, "run", "--builtin", "extended", "--ticks", "10", "--metrics", csv)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "no control plane")
}

func TestLinkEncodeDecode(t *testing.T) {
	out, errs, code := ccsim(t, "link", "encode", "--builtin", "blade-failure")
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs, "a short link, no note")
	frag := strings.TrimSpace(out)
	require.True(t, strings.HasPrefix(frag, "#s2."))
	golden(t, "link-blade-failure.txt", out)
	dec, errs, code := ccsim(t, "link", "decode", "http://example.test/"+frag)
	require.Equal(t, 0, code, errs)
	require.Contains(t, dec, `"name": "blade-failure"`)
	file := filepath.Join(t.TempDir(), "s.json")
	require.NoError(t, os.WriteFile(file, []byte(dec), 0o644))
	again, errs, code := ccsim(t, "link", "encode", file)
	require.Equal(t, 0, code, errs)
	require.Equal(t, out, again, "decode then encode gives the same link")
	_, errs, code = ccsim(t, "link", "decode", "#s1.garbage")
	require.Equal(t, 1, code)
	require.Contains(t, errs, "damaged or cut short")

	// From a file, and from standard input.
	lf := filepath.Join(t.TempDir(), "link.txt")
	require.NoError(t, os.WriteFile(lf, []byte(out), 0o644))
	fromFile, errs, code := ccsim(t, "link", "decode", lf)
	require.Equal(t, 0, code, errs)
	require.Equal(t, dec, fromFile)
	stdin = strings.NewReader(out)
	t.Cleanup(func() { stdin = os.Stdin })
	fromStdin, errs, code := ccsim(t, "link", "decode", "-")
	require.Equal(t, 0, code, errs)
	require.Equal(t, dec, fromStdin)

	// A link longer than the page copies (link.FileAbove) is made, with a
	// note saying so, as the page's Share button does.
	long := scenario.Default()
	var desc strings.Builder
	src := rng.New(1, 1)
	for desc.Len() < 3*link.FileAbove {
		desc.WriteByte(byte('a' + src.Uint64N(26))) // incompressible enough
	}
	long.Description = desc.String()
	longData, err := scenario.Marshal(long)
	require.NoError(t, err)
	longFile := filepath.Join(t.TempDir(), "long.json")
	require.NoError(t, os.WriteFile(longFile, longData, 0o644))
	out, errs, code = ccsim(t, "link", "encode", longFile)
	require.Equal(t, 0, code, errs)
	require.True(t, strings.HasPrefix(out, "#s2."))
	require.Contains(t, errs, fmt.Sprintf("ccsim link encode: note: the link is %d characters, longer than %d", len(strings.TrimSpace(out))-1, link.FileAbove))

	// A scenario too large for a link is refused by encode, as decode would
	// refuse its link.
	big := scenario.Default()
	big.Description = strings.Repeat("x", link.MaxPayload)
	data, err := scenario.Marshal(big)
	require.NoError(t, err)
	bigFile := filepath.Join(t.TempDir(), "big.json")
	require.NoError(t, os.WriteFile(bigFile, data, 0o644))
	_, errs, code = ccsim(t, "link", "encode", bigFile)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "more than a link carries")
}

// A sweep's link: made from a spec, decoded back to a runnable spec, and
// run directly; all three give the same sweep (the same identity, the
// same summary).
func TestSweepLinks(t *testing.T) {
	spec := filepath.Join("testdata", "sweep-churn.json")
	out, errs, code := ccsim(t, "link", "encode", "--sweep", spec)
	require.Equal(t, 0, code, errs)
	frag := strings.TrimSpace(out)
	require.True(t, strings.HasPrefix(frag, "#s4."), frag)

	dec, errs, code := ccsim(t, "link", "decode", frag)
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "the link is a sweep of")
	specFile := filepath.Join(t.TempDir(), "from-link.json")
	require.NoError(t, os.WriteFile(specFile, []byte(dec), 0o644))

	whole, errs, code := ccsim(t, "sweep", "--json", spec)
	require.Equal(t, 0, code, errs)
	viaLink, errs, code := ccsim(t, "sweep", "--json", frag)
	require.Equal(t, 0, code, errs)
	viaDecoded, errs, code := ccsim(t, "sweep", "--json", specFile)
	require.Equal(t, 0, code, errs)
	require.Equal(t, lastLine(whole), lastLine(viaLink), "the link's sweep has the spec's summary")
	require.Equal(t, lastLine(whole), lastLine(viaDecoded), "and so has its decoded spec")
	require.Equal(t, firstLine(whole), firstLine(viaLink), "the same sweep, the same header")

	// A scenario's link is not a sweep; a broken link says why.
	plain, _, _ := ccsim(t, "link", "encode", "--builtin", "workload-churn")
	_, errs, code = ccsim(t, "sweep", strings.TrimSpace(plain))
	require.Equal(t, 1, code)
	require.Contains(t, errs, "not a sweep's")
	_, errs, code = ccsim(t, "sweep", "#s4.AAAA")
	require.Equal(t, 1, code)
	require.Contains(t, errs, "damaged or cut short")
	_, errs, code = ccsim(t, "link", "encode", "--sweep", spec, "--builtin", "standard")
	require.Equal(t, 2, code)
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// validate recognises a sweep spec and a GPU trace's node list and task
// list by their content and checks them whole, each error located at its
// file, line and column.
func TestValidateSweepAndTrace(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	nodesHead := "sn,cpu_milli,memory_mib,gpu,model\n"
	tasksHead := "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"
	for _, c := range []struct {
		name, file, text string
		out, err         string // out: what stdout says of a good file; err: what stderr says of a bad one
	}{
		{"sweep spec", "sweep.json", `{"format": 1, "scenario": {"builtin": "workload-churn"},
 "variants": [{"name": "a", "policy": "first-fit"}, {"name": "b", "policy": "spread"}], "seeds": {"first": 1, "count": 3}, "ticks": 100}`,
			`sweep spec: 2 variants × 3 seeds = 6 runs of 100 ticks, scenario "workload-churn"`, ""},
		{"sweep spec, unknown policy", "sweep-policy.json", `{"format": 1, "scenario": {"builtin": "workload-churn"},
 "variants": [{"name": "a", "policy": "worst-fit"}], "seeds": {"first": 1, "count": 3}, "ticks": 100}`,
			"", `sweep-policy.json:2:39: variants[0].policy: unknown placement policy "worst-fit"`},
		{"sweep spec, unknown built-in", "sweep-builtin.json", `{"format": 1,
 "scenario": {"builtin": "nowhere"}, "variants": [{"name": "a"}], "seeds": {"first": 1, "count": 1}, "ticks": 10}`,
			"", `sweep-builtin.json:2:26: scenario.builtin:`},
		{"sweep spec, bad inline scenario", "sweep-inline.json", `{"format": 1, "variants": [{"name": "a"}], "seeds": {"first": 1, "count": 1}, "ticks": 10,
 "scenario": {"inline": {"format": 2, "seed": "x"}}}`,
			"", `sweep-inline.json:2:`},
		{"node list", "nodes.csv", nodesHead + "n0,32000,65536,2,T4\nn1,96000,65536,0,\n",
			"node list: 2 nodes, 1 with GPUs (2 GPUs; models T4)", ""},
		{"node list, bad rows", "nodes-bad.csv", nodesHead + "n0,32000,65536,x,T4\nn1,-1,65536,0,\n",
			"", "nodes-bad.csv:2:4: gpu: want an integer"},
		{"task list", "pods.csv", tasksHead + "a,1000,1024,1,500,T4,0,10\nb,1000,1024,2,1000,,0,\nc,1,1,0,0,,5,9\n",
			"task list: 3 tasks (cpu 1, share 1, 2-gpu 1)", ""},
		{"task list, bad row", "pods-bad.csv", tasksHead + "a,1000,1024,1,500,T4,0,10\nb,1000,1024,1,1500,,0,\n",
			"", "pods-bad.csv:3:5: gpu_milli:"},
		{"a CSV of neither kind", "other.csv", "name,cpu_milli\na,1\n",
			"", "other.csv:1: the header lacks"},
		{"an empty task list", "empty.csv", tasksHead, "", "empty.csv: the task list has no task"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := write(c.file, c.text)
			out, errs, code := ccsim(t, "validate", p)
			if c.err == "" {
				require.Equal(t, 0, code, errs)
				require.Equal(t, p+": "+c.out+"\n", out)
				return
			}
			require.Equal(t, 1, code, out)
			require.Empty(t, out)
			require.Contains(t, errs, filepath.Join(dir, c.err))
		})
	}
	// Both bad rows of a node list are reported, not only the first.
	_, errs, _ := ccsim(t, "validate", filepath.Join(dir, "nodes-bad.csv"))
	require.Contains(t, errs, "nodes-bad.csv:3:2: cpu_milli:")
}
