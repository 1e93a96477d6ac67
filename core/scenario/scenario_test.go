package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/stretchr/testify/require"
)

func TestBuiltinsLoadAndRoundTrip(t *testing.T) {
	names := Builtins()
	require.Equal(t, DefaultName, names[0])
	for _, name := range names {
		s, err := Builtin(name)
		require.NoError(t, err, name)
		require.Equal(t, name, s.Name)
		require.NotEmpty(t, s.Description, name)
		def, err := s.Definition()
		require.NoError(t, err, name)
		require.NotEmpty(t, def.Regions)

		b, err := Marshal(s)
		require.NoError(t, err)
		back, err := Parse(name, b)
		require.NoError(t, err)
		again, err := Marshal(back)
		require.NoError(t, err)
		require.Equal(t, string(b), string(again), "canonical: the same scenario gives the same bytes")
	}
	def, err := Default().Definition()
	require.NoError(t, err)
	require.Equal(t, 64, def.Counts().Blades)
}

func TestBuiltinInventories(t *testing.T) {
	require.Equal(t, []string{"basic", "extended", "intermediate", "simple", "standard"}, BuiltinInventories())
	_, err := BuiltinInventory("standard", 2)
	require.ErrorContains(t, err, `built-in inventory "standard" version 2 is not in this build (it has version 1)`)
	_, err = BuiltinInventory("../standard", 1)
	require.ErrorContains(t, err, `no built-in inventory "../standard" (have basic, extended`)
	_, err = Builtin("nope")
	require.ErrorContains(t, err, `no built-in scenario "nope"`)
}

// TestParseErrors gives each kind of error a scenario file can have and
// checks the exact message: file, line, column, path, what is wrong.
func TestParseErrors(t *testing.T) {
	valid := func() string {
		d := Default()
		d.Script = []Timed{{At: 0, Command: Command{Do: BringUp}}}
		b, err := MarshalIndent(d)
		require.NoError(t, err)
		return string(b)
	}()
	edit := func(old, new string) string {
		require.Contains(t, valid, old)
		return strings.Replace(valid, old, new, 1)
	}
	for _, c := range []struct {
		name, in string
		kind     strictjson.Kind
		want     string
	}{
		{"empty", "", strictjson.Syntax, "bad.json:1:1: no JSON value (the input is empty)"},
		{"cut short", `{"format": 1,`, strictjson.Syntax, "bad.json:1:14: unexpected end of input"},
		{"bad character", "{\"format\": 1,\n  x}", strictjson.Syntax, "bad.json:2:3: invalid character 'x' looking for beginning of object key string"},
		{"not a scenario", `{"name": "x"}`, strictjson.Invalid, `bad.json: not a scenario: no "format" field`},
		{"not a scenario, unknown keys", `{"scenarios": []}`, strictjson.Invalid, `bad.json: not a scenario: no "format" field`},
		{"future", "{\n  \"format\": 99}", strictjson.Invalid, "bad.json:2:13: format: scenario format 99 is newer than this build reads (3); open it with a newer CloudChamber"},
		{"future with keys this build does not know", "{\"format\": 4,\n \"teleport\": true}", strictjson.Invalid, "bad.json:1:12: format: scenario format 4 is newer than this build reads (3); open it with a newer CloudChamber"},
		{"format 0", edit(`"format": 2`, `"format": 0`), strictjson.Invalid, "bad.json:2:13: format: must be >= 1, got 0"},
		{"type", edit(`"seed": 1`, `"seed": "one"`), strictjson.Type, `bad.json:9:11: seed: must be an integer, got "one"`},
		{"negative", edit(`"seed": 1`, `"seed": -1`), strictjson.Type, `bad.json:9:11: seed: must be an integer from 0 to 18446744073709551615, got -1`},
		{"unknown key", edit(`"seed": 1`, `"seed": 1, "speed": 3`), strictjson.Unknown,
			"bad.json:9:14: speed: unknown key (known here: format, name, description, inventory, seed, tickMillis, policy, rate, delays, traceRetention, control, script, commands, at)"},
		{"unknown nested key", edit(`"booting": {`, `"booting": {"lo": 1, `), strictjson.Unknown, "bad.json:21:17: delays.booting.lo: unknown key (known here: low, high)"},
		{"repeated key", edit(`"seed": 1`, `"seed": 1,`+"\n  "+`"seed": 7`), strictjson.Repeated, "bad.json:10:3: seed: repeats the key of line 9, column 3"},
		{"case-variant key", edit(`"seed": 1`, `"seed": 1, "Seed": 7`), strictjson.Case, `bad.json:9:14: Seed: repeats the key "seed" of line 9, column 3 (keys match regardless of case)`},
		{"case-variant key in a nested object", edit(`"low": 5`, `"low": 5, "LOW": 6`), strictjson.Case, `bad.json:22:17: delays.booting.LOW: repeats the key "low" of line 22, column 7 (keys match regardless of case)`},
		{"trailing data", valid + `{}`, strictjson.Trailing, "bad.json:214:1: unexpected data after the JSON value"},
		{"enum", edit(`"policy": "manual"`, `"policy": "fast"`), strictjson.Invalid, `bad.json:11:13: policy: unknown time policy "fast" (want manual, measured or no_wait)`},
		{"measured without rate", edit(`"policy": "manual"`, `"policy": "measured"`), strictjson.Invalid, "bad.json:11:13: policy: measured rate must be 1..1000 ticks per second, got 0"},
		{"delays", edit(`"low": 5,`+"\n      "+`"high": 8`, `"low": 5,`+"\n      "+`"high": 2`), strictjson.Invalid, "bad.json:23:15: delays.booting.high: must be >= low (5), got 2"},
		{"retention", edit(`"traceRetention": 1000`, `"traceRetention": 5`), strictjson.Invalid, "bad.json:30:21: traceRetention: must be 100..100000, got 5"},
		{"command", edit(`"do": "bring-up"`, `"do": "explode"`), strictjson.Invalid, `bad.json:208:5: script[0]: unknown command "explode"`},
		{"inventory", edit(`"builtin": "standard",`+"\n    "+`"version": 1`, `"version": 1`), strictjson.Invalid, "bad.json:5:16: inventory: give exactly one of builtin, generate or definition"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.json", []byte(c.in))
			require.EqualError(t, err, c.want)
			var e *strictjson.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, c.kind, e.Kind, e.Kind.String())
		})
	}
}

// The field reports of issue 10: ambiguous scenarios are refused, naming
// the key and where it is, never merged into one nobody wrote.
func TestFieldScenariosAreRefused(t *testing.T) {
	for file, want := range map[string]string{
		"scenario-duplicate-seed.json":     "testdata/field/scenario-duplicate-seed.json:10:2: seed: repeats the key of line 9, column 2",
		"scenario-seed-and-Seed.json":      `testdata/field/scenario-seed-and-Seed.json:10:2: Seed: repeats the key "seed" of line 9, column 2 (keys match regardless of case)`,
		"scenario-two-control-blocks.json": "testdata/field/scenario-two-control-blocks.json:207:2: control: repeats the key of line 31, column 2",
	} {
		name := "testdata/field/" + file
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		_, err = Parse(name, data)
		require.EqualError(t, err, want, file)
	}
}

// A definition inside a scenario is read as strictly as the rest, and put
// in canonical order whatever the order of the file.
func TestInlineDefinition(t *testing.T) {
	s := Defaults()
	def, err := inventory.Generate(inventory.GenSpec{Regions: 2, ZonesPerRegion: 1, RacksPerZone: 2, BladesPerRack: 2})
	require.NoError(t, err)
	s.Inventory = Inventory{Definition: def}
	data, err := MarshalIndent(s)
	require.NoError(t, err)
	back, err := Parse("in.json", data)
	require.NoError(t, err)
	require.Equal(t, s, back)

	var raw map[string]any
	require.NoError(t, json.Unmarshal(data, &raw))
	regions := raw["inventory"].(map[string]any)["definition"].(map[string]any)["regions"].([]any)
	regions[0], regions[1] = regions[1], regions[0]
	swapped, err := json.Marshal(raw)
	require.NoError(t, err)
	back, err = Parse("in.json", swapped)
	require.NoError(t, err)
	require.Equal(t, s.Inventory.Definition, back.Inventory.Definition, "back in canonical order")

	_, err = Parse("in.json", []byte(strings.Replace(string(data), `"bootOnPowerOn": `, `"bootOnPowerOn": true, "bootonpoweron": `, 1)))
	require.ErrorContains(t, err, `inventory.definition.regions[0].zones[0].racks[0].blades[0].bootonpoweron: repeats the key "bootOnPowerOn"`)
	_, err = Parse("in.json", []byte(strings.Replace(string(data), `"arch": `, `"arc": 1, "arch": `, 1)))
	require.ErrorContains(t, err, "inventory.definition.regions[0].zones[0].racks[0].blades[0].capacity.arc: unknown key")
}

// An inline definition is validated when the scenario is read, and its
// errors are located at the value in the JSON, by the JSON path.
func TestInlineDefinitionErrorsAreLocated(t *testing.T) {
	s := Defaults()
	def, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 2, BladesPerRack: 2})
	require.NoError(t, err)
	s.Inventory = Inventory{Definition: def}
	b, err := MarshalIndent(s)
	require.NoError(t, err)
	data := string(b)
	head, blades, ok := strings.Cut(data, `"blades": [`)
	require.True(t, ok)
	const rack1 = "inventory.definition.regions[0].zones[0].racks[0]."
	for _, c := range []struct {
		name, in, want string
	}{
		{"a range", strings.Replace(data, `"cores": 32`, `"cores": 0`, 1),
			"in.json:110:34: " + rack1 + "blades[0].capacity.cores: must be >= 1, got 0"},
		{"a value left out", strings.Replace(data, `"cores": 32,`, ``, 1),
			"in.json:109:35: " + rack1 + "blades[0].capacity.cores: must be >= 1, got 0"},
		{"a cable", strings.Replace(data, `"type": "blade",
                            "id": 2,`, `"type": "blade",
                            "id": 9,`, 1),
			"in.json:52:35: " + rack1 + `pdus[0].ports[2].item: names blade 9, which is not in rack "rack1"`},
		{"blades out of canonical order: the path is the file's", head + `"blades": [` + strings.Replace(
			strings.Replace(strings.Replace(strings.Replace(blades, `"index": 1,`, `"index": 9,`, 1), `"index": 2,`, `"index": 1,`, 1), `"index": 9,`, `"index": 2,`, 1),
			`"cores": 32`, `"cores": 0`, 1),
			"in.json:110:34: " + rack1 + "blades[0].capacity.cores: must be >= 1, got 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.NotEqual(t, data, c.in)
			_, err := Parse("in.json", []byte(c.in))
			require.EqualError(t, err, c.want)
		})
	}
}

func TestValidateCommandOrder(t *testing.T) {
	s := Default()
	s.Commands = []Timed{
		{At: 5, Command: Command{Do: Power, Target: "a", On: true}},
		{At: 3, Command: Command{Do: Power, Target: "a"}},
	}
	s.At = 9
	require.ErrorContains(t, s.Validate(), "commands[1].at: commands must be in tick order, but 3 comes after 5")
	s.Commands = s.Commands[:1]
	s.At = 4
	require.ErrorContains(t, s.Validate(), "commands[0].at: 5 is after the tick the run reached (at: 4)")
	s.At = 5
	require.NoError(t, s.Validate())
	s.Commands[0].Target = ""
	require.ErrorContains(t, s.Validate(), "commands[0]: power needs a target")
}

func TestCommandString(t *testing.T) {
	require.Equal(t, "power r/blade/1 on=true", Command{Do: Power, Target: "r/blade/1", On: true}.String())
	require.Equal(t, "boot r/blade/1 hard=false", Command{Do: Boot, Target: "r/blade/1"}.String())
	require.Equal(t, "break-cable r/pdu/0 port=3", Command{Do: BreakCable, Target: "r/pdu/0", Port: 3}.String())
	require.Equal(t, "bring-up", Command{Do: BringUp}.String())
	require.Error(t, Command{Do: BringUp, Target: "x"}.Check())
}

func TestCloneIsDeep(t *testing.T) {
	s, err := Builtin("workload-churn")
	require.NoError(t, err)
	s.Script = []Timed{{At: 0, Command: Command{Do: BringUp}}}
	s.Control.Rules = s.Control.RulesOrDefault()
	c := s.Clone()
	c.Script[0].At = 7
	c.Policy = clock.NoWait
	c.Control.Monitor.SuspectAfter = 99
	c.Control.Rules.Rules[0].Choices[0].Wait = 99
	c.Control.Processes[0].MTBF = 99
	c.Control.Workloads.Arrivals.Mix[0].Weight = 99
	c.Control.Workloads.Policy = "best-fit"
	require.Equal(t, clock.Tick(0), s.Script[0].At)
	require.Equal(t, clock.Manual, s.Policy)
	require.Equal(t, clock.Tick(5), s.Control.Monitor.SuspectAfter)
	require.NotEqual(t, int64(99), s.Control.Rules.Rules[0].Choices[0].Wait)
	require.NotEqual(t, clock.Tick(99), s.Control.Processes[0].MTBF)
	require.NotEqual(t, int64(99), s.Control.Workloads.Arrivals.Mix[0].Weight)
	require.Equal(t, "spread", s.Control.Workloads.Policy)
}

// A format 1 scenario (no control plane) migrates to format 3 unchanged
// otherwise, and every built-in parses, validates and marshals stably.
func TestMigrationAndBuiltins(t *testing.T) {
	s, err := Parse("old.json", []byte(`{"format":1,"name":"old","inventory":{"builtin":"standard","version":1},"seed":1,"tickMillis":1000,"policy":"manual",`+
		`"delays":{"setPower":{"low":1,"high":1},"setConnection":{"low":1,"high":1},"booting":{"low":5,"high":8},"shutdown":{"low":2,"high":4}},`+
		`"traceRetention":1000,"script":[{"at":0,"do":"bring-up"}]}`))
	require.NoError(t, err)
	require.Equal(t, 3, s.Format)
	require.Nil(t, s.Control)
	for _, name := range Builtins() {
		b, err := Builtin(name)
		require.NoError(t, err, name)
		data, err := Marshal(b)
		require.NoError(t, err)
		again, err := Parse(name, data)
		require.NoError(t, err, name)
		data2, err := Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(data), string(data2), name)
	}
	_, err = Parse("x.json", []byte(`{"format":1,"name":"x","inventory":{"builtin":"standard","version":1},"seed":1,"tickMillis":1000,"policy":"manual",`+
		`"delays":{"setPower":{"low":1,"high":1},"setConnection":{"low":1,"high":1},"booting":{"low":5,"high":8},"shutdown":{"low":2,"high":4}},`+
		`"traceRetention":1000,"script":[{"at":3,"do":"maintain","target":"a"}]}`))
	require.ErrorContains(t, err, "script[0]: maintain needs a scenario with a control plane")
}

// Each random failure process has its own random stream; their number is
// bounded, and the refusal names the list and the limit.
func TestProcessesAreBounded(t *testing.T) {
	s := Default()
	s.Control = DefaultControl()
	for i := range faults.ProcessesMax {
		s.Control.Processes = append(s.Control.Processes, faults.Process{Name: fmt.Sprintf("p%d", i), Kind: faults.BladeFault, MTBF: 100, MTTR: 10})
	}
	require.NoError(t, s.Validate())
	s.Control.Processes = append(s.Control.Processes, faults.Process{Name: "one too many", Kind: faults.BladeFault, MTBF: 100, MTTR: 10})
	require.EqualError(t, s.Validate(), fmt.Sprintf("control.processes: at most %d random failure processes, got %d", faults.ProcessesMax, faults.ProcessesMax+1))
	b, err := MarshalIndent(s)
	require.NoError(t, err)
	_, err = Parse("many.json", b)
	require.ErrorContains(t, err, fmt.Sprintf("control.processes: at most %d random failure processes", faults.ProcessesMax))
	t.Log(err)
}

// A custom policy's expression errors are placed at the expression in
// the file, with the column inside it.
func TestCustomPolicyErrorsAreLocated(t *testing.T) {
	s, err := Builtin("workload-churn")
	require.NoError(t, err)
	b, err := MarshalIndent(s)
	require.NoError(t, err)
	text := string(b)
	require.Contains(t, text, `"policy": "spread"`)
	good := strings.Replace(text, `"policy": "spread"`, `"policy": "custom", "custom": {"filter": "blade.instances < 4", "score": "blade.free_cores"}`, 1)
	sc, err := Parse("c.json", []byte(good))
	require.NoError(t, err)
	require.Equal(t, "blade.free_cores", sc.Control.Workloads.Custom.Score)
	c := sc.Clone()
	c.Control.Workloads.Custom.Score = "0"
	require.Equal(t, "blade.free_cores", sc.Control.Workloads.Custom.Score, "a clone has its own")

	bad := strings.Replace(good, `"score": "blade.free_cores"`, `"score": "blade.free_cores * blade.cpu"`, 1)
	_, err = Parse("c.json", []byte(bad))
	require.ErrorContains(t, err, "control.workloads.custom.score: column 20: unknown name blade.cpu")
	var e *strictjson.Error
	require.ErrorAs(t, err, &e)
	require.Positive(t, e.Line)
	line := strings.Split(bad, "\n")[e.Line-1]
	require.Contains(t, line[e.Col-1:], `"blade.free_cores * blade.cpu"`, "placed at the expression")
}

// Format 3 adds GPUs: a scenario is written as format 3 only when it has a
// "gpus" key, so one without keeps its bytes (links, identity) as format
// 2; both read, and GPU errors of an inline inventory are located.
func TestFormatThreeOnlyWithGPUs(t *testing.T) {
	s := Defaults()
	data, err := Marshal(s)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), `{"format":2,`), string(data[:20]))
	indented, err := MarshalIndent(s)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(indented), "{\n  \"format\": 2,"))
	back, err := Parse("s.json", data)
	require.NoError(t, err)
	require.Equal(t, Format, back.Format)

	spec := &inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 2, Capacities: []inventory.Capacity{
		{Cores: 8, MemoryMB: 8192, DiskGB: 100, NetworkMbps: 1000, Arch: "X64", GPUs: []inventory.GPU{{Model: "A100", Count: 2}}}}}
	s.Inventory = Inventory{Generate: spec}
	data, err = Marshal(s)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), `{"format":3,`), string(data[:20]))
	indented, err = MarshalIndent(s)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(indented), "{\n  \"format\": 3,"))
	back, err = Parse("s.json", data)
	require.NoError(t, err)
	require.Equal(t, spec.Capacities, back.Inventory.Generate.Capacities)
	again, err := Marshal(back)
	require.NoError(t, err)
	require.Equal(t, string(data), string(again))

	// A string holding the key's bytes does not make a scenario format 3.
	s = Defaults()
	s.Description = `"gpus": none here`
	data, err = Marshal(s)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), `{"format":2,`))

	def, err := inventory.Generate(*spec)
	require.NoError(t, err)
	def.Regions[0].Zones[0].Racks[0].Blades[1].Capacity.GPUs = []inventory.GPU{{Model: "A100", Count: 0}}
	s.Inventory = Inventory{Definition: def}
	data, err = MarshalIndent(s)
	require.NoError(t, err)
	_, err = Parse("gpu.json", data)
	require.Error(t, err)
	require.Regexp(t, `^gpu\.json:\d+:\d+: inventory\.definition\.regions\[0\]\.zones\[0\]\.racks\[0\]\.blades\[1\]\.capacity\.gpus\[0\]\.count: must be >= 1, got 0$`, err.Error())
}

// UsesGPUs is whether the scenario's JSON has a "gpus" key, found without
// encoding an inline inventory: the same answer as searching the whole
// JSON, for every built-in, with its inventory inline (GPUs or an empty
// list of them on a blade, or none), and with a workload asking for GPUs
// on an inventory without.
func TestUsesGPUsIsTheJSONsGPUsKey(t *testing.T) {
	byJSON := func(s *Scenario) bool {
		b, err := json.Marshal(s)
		require.NoError(t, err)
		return bytes.Contains(b, []byte(`"gpus":`))
	}
	seen := map[bool]int{}
	check := func(what string, s *Scenario) {
		t.Helper()
		want := byJSON(s)
		require.Equal(t, want, UsesGPUs(s), what)
		seen[want]++
	}
	for _, name := range Builtins() {
		s, err := Builtin(name)
		require.NoError(t, err)
		check(name, s)
		def, err := s.Definition()
		require.NoError(t, err)
		inline := s.Clone()
		inline.Inventory = Inventory{Definition: def}
		check(name+" inline", inline)
		if def.HasGPUKey() {
			continue
		}
		emptyGPUs := inline.Clone()
		emptyGPUs.Inventory.Definition.Regions[0].Zones[0].Racks[0].Blades[0].Capacity.GPUs = []inventory.GPU{}
		check(name+" inline, one blade listing no GPU", emptyGPUs)
		if c := inline.Control; c != nil && c.Workloads != nil && len(c.Workloads.Workloads) > 0 && len(c.Workloads.Workloads[0].Instances) > 0 {
			asks := inline.Clone()
			asks.Control.Workloads.Workloads[0].Instances[0].Requires.GPUs.Count = 1
			check(name+" inline, a workload asking for a GPU", asks)
		}
	}
	require.Positive(t, seen[true])
	require.Positive(t, seen[false])
}
