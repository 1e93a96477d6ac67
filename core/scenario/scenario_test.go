package scenario

import (
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
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

func TestParseErrorsNameTheProblem(t *testing.T) {
	valid := func() string {
		d := Default()
		d.Script = []Timed{{At: 0, Command: Command{Do: BringUp}}}
		b, err := Marshal(d)
		require.NoError(t, err)
		return string(b)
	}()
	for _, c := range []struct {
		name, in, want string
	}{
		{"syntax", `{"format": 1,`, "bad.json:1:14: unexpected end of JSON input"},
		{"bad character", "{\"format\": 1,\n  x}", "bad.json:2:3: invalid character 'x'"},
		{"not a scenario", `{"name": "x"}`, `bad.json: not a scenario: no "format" field`},
		{"future", `{"format": 99}`, "bad.json: scenario format 99 is newer than this build reads (2); open it with a newer CloudChamber"},
		{"type", strings.Replace(valid, `"seed":1`, `"seed":"one"`, 1), `seed: expected uint64, got a JSON string`},
		{"unknown field", strings.Replace(valid, `"seed":1`, `"seed":1,"speed":3`, 1), `bad.json: unknown field "speed"`},
		{"policy", strings.Replace(valid, `"policy":"manual"`, `"policy":"fast"`, 1), `unknown time policy "fast"`},
		{"measured without rate", strings.Replace(valid, `"policy":"manual"`, `"policy":"measured"`, 1), "policy: measured rate must be 1..1000 ticks per second, got 0"},
		{"delays", strings.Replace(valid, `"booting":{"low":5,"high":8}`, `"booting":{"low":5,"high":2}`, 1), "delays.booting.high must be >= low (5), got 2"},
		{"retention", strings.Replace(valid, `"traceRetention":1000`, `"traceRetention":5`, 1), "traceRetention: must be 100..100000, got 5"},
		{"command", strings.Replace(valid, `"do":"bring-up"`, `"do":"explode"`, 1), `script[0]: unknown command "explode"`},
		{"inventory", strings.Replace(valid, `"inventory":{"builtin":"standard","version":1}`, `"inventory":{}`, 1), "inventory: give exactly one of builtin, generate or definition"},
		{"trailing", valid + `{}`, "invalid character '{' after top-level value"},
	} {
		_, err := Parse("bad.json", []byte(c.in))
		require.ErrorContains(t, err, c.want, c.name)
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

// A format 1 scenario (no control plane) migrates to format 2 unchanged
// otherwise, and every built-in parses, validates and marshals stably.
func TestMigrationAndBuiltins(t *testing.T) {
	s, err := Parse("old.json", []byte(`{"format":1,"name":"old","inventory":{"builtin":"standard","version":1},"seed":1,"tickMillis":1000,"policy":"manual",`+
		`"delays":{"setPower":{"low":1,"high":1},"setConnection":{"low":1,"high":1},"booting":{"low":5,"high":8},"shutdown":{"low":2,"high":4}},`+
		`"traceRetention":1000,"script":[{"at":0,"do":"bring-up"}]}`))
	require.NoError(t, err)
	require.Equal(t, 2, s.Format)
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
