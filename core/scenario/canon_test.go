package scenario

import (
	"bytes"
	"os"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/stretchr/testify/require"
)

// canonCases are scenarios of every shape the canonical form takes: each
// built-in, and each with its inventory inline (with GPUs on blades, with
// GPUs only in a command, in the older format, with commands and a tick).
func canonCases(t *testing.T) map[string]*Scenario {
	t.Helper()
	out := map[string]*Scenario{}
	for _, name := range Builtins() {
		sc, err := Builtin(name)
		require.NoError(t, err)
		out[name] = sc
		def, err := sc.Definition()
		require.NoError(t, err)
		inline := sc.Clone()
		inline.Inventory = Inventory{Definition: def}
		out[name+" inline"] = inline
		run := inline.Clone()
		run.Commands = []Timed{{At: 3, Command: Command{Do: BringUp}}}
		run.At, run.Policy, run.Rate = 7, clock.Measured, 10
		out[name+" inline run"] = run
		gpuCmd := run.Clone()
		gpuCmd.Control = DefaultControl()
		gpuCmd.Commands = append(gpuCmd.Commands, Timed{At: 5, Command: Command{Do: CreateWorkload,
			Workload: &sched.Workload{Name: "w", Instances: []sched.Instance{{Name: "i", Requires: sched.Requirements{Cores: 1000, MemoryMB: 1, GPUs: sched.GPURequest{Count: 1}}}}}}})
		out[name+" inline gpu command"] = gpuCmd
		old := inline.Clone()
		old.Format = formatNoGPUs
		out[name+" inline old format"] = old
	}
	gen, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 3, BladesPerRack: 4,
		Capacities: []inventory.Capacity{inventory.StandardBlade, {Cores: 8, MemoryMB: 1024, DiskGB: 10, NetworkMbps: 100, Arch: "X64", GPUs: []inventory.GPU{{Model: "T4", Count: 2}}}}})
	require.NoError(t, err)
	gpu := Defaults()
	gpu.Inventory = Inventory{Definition: gen}
	out["gpu blades inline"] = gpu
	data, err := os.ReadFile("../sim/testdata/gpu-sharing.json")
	require.NoError(t, err)
	sc, err := Parse("gpu-sharing.json", data)
	require.NoError(t, err)
	out["gpu-sharing.json"] = sc
	odd := gpu.Clone()
	odd.Inventory.Builtin = "standard" // two inventories: Validate refuses it, Marshal still writes it
	out["two inventories"] = odd
	return out
}

// TestWriteCanonicalIsMarshal: WriteCanonical and an Encoder write
// Marshal's bytes for every shape of scenario, the Encoder also when the
// scenarios it is given change their commands, tick and definition.
func TestWriteCanonicalIsMarshal(t *testing.T) {
	var enc Encoder
	cases := canonCases(t)
	for name, format := range map[string]string{"standard inline": "2", "gpu blades inline": "3", "standard inline gpu command": "3"} {
		b, err := Marshal(cases[name])
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(b, []byte(`{"format":`+format+`,`)), "%s: both formats are covered", name)
	}
	for name, sc := range cases {
		want, err := Marshal(sc)
		require.NoError(t, err)
		var got bytes.Buffer
		racks := 0
		require.NoError(t, WriteCanonical(&got, sc, func() { racks++ }))
		require.Equal(t, string(want), got.String(), name)
		if sc.Inventory.Definition != nil && sc.Inventory.Builtin == "" {
			require.Equal(t, sc.Inventory.Definition.Counts().Racks, racks, "%s: each once a rack", name)
		}
		if def := sc.Inventory.Definition; def != nil {
			var kept Encoder
			require.NoError(t, kept.Keep(def, func() {}))
			b, err := kept.Marshal(sc)
			require.NoError(t, err)
			require.Equal(t, string(want), string(b), name+", kept first")
			require.True(t, kept.Holds(def))
			require.False(t, kept.Holds(nil))
		}
		for range 2 { // encoded, then from what it kept
			b, err := enc.Marshal(sc)
			require.NoError(t, err)
			require.Equal(t, string(want), string(b), name)
		}
		pieces, err := enc.Pieces(sc)
		require.NoError(t, err)
		require.Equal(t, string(want), string(bytes.Join(pieces, nil)), name+", in pieces")
		later := sc.Clone()
		later.Commands = append(later.Commands, Timed{At: later.At, Command: Command{Do: BringUp}})
		want, err = Marshal(later)
		require.NoError(t, err)
		b, err := enc.Marshal(later)
		require.NoError(t, err)
		require.Equal(t, string(want), string(b), name+", a command later")
	}
}

// TestEncoderKeepsLargeJSONInBlocks: a large inventory's JSON (2,000
// blades, about 800 KB) is kept in blocks of growing size that together
// hold no more than it and a block; Marshal, Write and Pieces give
// Marshal's bytes from them.
func TestEncoderKeepsLargeJSONInBlocks(t *testing.T) {
	def, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 10, BladesPerRack: 100})
	require.NoError(t, err)
	sc := ForInventory("large", def)
	want, err := Marshal(sc)
	require.NoError(t, err)
	var enc Encoder
	require.NoError(t, enc.Keep(def, nil))
	held := 0
	for i, b := range enc.defJSON.list {
		held += cap(b)
		if i < len(enc.defJSON.list)-1 {
			require.Equal(t, len(b), cap(b), "every block but the last is full")
			require.LessOrEqual(t, cap(b), blockMax)
		}
	}
	require.Greater(t, len(enc.defJSON.list), 4, "several blocks")
	require.LessOrEqual(t, held, enc.defJSON.size+blockMax)
	got, err := enc.Marshal(sc)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	var w bytes.Buffer
	require.NoError(t, enc.Write(&w, sc))
	require.Equal(t, string(want), w.String())
	pieces, err := enc.Pieces(sc)
	require.NoError(t, err)
	require.Equal(t, string(want), string(bytes.Join(pieces, nil)))
	require.Same(t, &enc.defJSON.list[0][0], &pieces[2][0], "the kept JSON's blocks are the pieces, not copies (after the head and the key)")
}
