package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// TestImportJobBuildsWhatImportBuilds: the sliced import (the YAML read
// with a pace, the world built with the job's yields, then opened) gives
// the world the one-shot Controller.Import gives, to the byte of its
// snapshot and to the trace hash after a run; a cancelled one (at any of
// its phases) gives errImportCancelled and no world.
func TestImportJobBuildsWhatImportBuilds(t *testing.T) {
	d, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 5, BladesPerRack: 20})
	require.NoError(t, err)
	y, err := inventory.MarshalYAML(d)
	require.NoError(t, err)

	oneShot := newC(t, "standard")
	require.NoError(t, oneShot.Import("gen.yaml", y))

	for _, c := range []struct {
		name     string
		cancelAt string // the phase whose first report cancels ("": none)
	}{
		{name: "whole"},
		{name: "cancelled while reading", cancelAt: "Reading"},
		{name: "cancelled while building", cancelAt: "Building"},
		{name: "cancelled while preparing", cancelAt: "Preparing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctl := newC(t, "standard")
			require.NoError(t, ctl.Step(5))
			hash := ctl.World().Status().Hash
			j := &importJob{name: "gen.yaml"}
			seen := map[string]bool{}
			var phases []string // in order, each once
			j.progress = func(what string, done, total int) {
				seen[what] = true
				if len(phases) == 0 || phases[len(phases)-1] != what {
					phases = append(phases, what)
				}
				if what == c.cancelAt {
					j.Cancel()
				}
				j.sliceFrom = 0 // report every call: each is a slice here
			}
			sc, w, err := j.prepare(func(j *importJob) (*scenario.Scenario, error) { // as the page runs it
				return importedScenario("gen.yaml", y, func(done, total int) error { return j.pace("Reading", done, total) })
			})
			if err == nil {
				j.handed.Store(true)
				ctl.openImported(sc, w, &j.enc, j.snap)
			}
			if c.cancelAt != "" {
				require.ErrorIs(t, err, errImportCancelled)
				require.Equal(t, hash, ctl.World().Status().Hash, "nothing changed")
				require.Equal(t, "standard", ctl.Base().Name)
				return
			}
			require.NoError(t, err)
			require.True(t, seen["Reading"] && seen["Building"] && seen["Preparing"], "progress in every phase")
			require.Equal(t, []string{"Reading", "Preparing", "Building"}, phases,
				"the inventory's JSON is kept before the build, which hashes it (this world's snapshot is too small to be cut)")
			require.Equal(t, oneShot.Base(), ctl.Base())
			require.Equal(t, oneShot.World().Snapshot(), ctl.World().Snapshot(), "the same world")
			want, err := oneShot.Record()
			require.NoError(t, err)
			got, err := ctl.Record()
			require.NoError(t, err)
			require.Equal(t, string(want.ScenarioBytes()), string(got.ScenarioBytes()), "the same record to autosave")
			require.Equal(t, want.Snapshots, got.Snapshots, "the same first snapshot, taken in slices")
			require.Len(t, got.Snapshots, 1)
			require.NoError(t, oneShot.Step(40))
			require.NoError(t, ctl.Step(40))
			require.Equal(t, oneShot.World().Status().Hash, ctl.World().Status().Hash)
		})
	}
}

// TestRecordOfAnImportedRunIsItsCanonicalJSON: what autosave writes and
// the unsaved check hash (the run's JSON, its inline inventory encoded
// once a run) stay the canonical JSON of the run as it changes: steps,
// commands, a travel back with its kept future, another import.
func TestRecordOfAnImportedRunIsItsCanonicalJSON(t *testing.T) {
	ctl := newC(t, "standard")
	for _, spec := range []inventory.GenSpec{
		{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 3, BladesPerRack: 4},
		{Regions: 2, ZonesPerRegion: 1, RacksPerZone: 2, BladesPerRack: 3},
	} {
		d, err := inventory.Generate(spec)
		require.NoError(t, err)
		y, err := inventory.MarshalYAML(d)
		require.NoError(t, err)
		require.NoError(t, ctl.Import("gen.yaml", y))
		same := func(what string) {
			t.Helper()
			want, err := scenario.Marshal(ctl.RunScenario())
			require.NoError(t, err)
			rec, err := ctl.Record()
			require.NoError(t, err)
			require.Equal(t, string(want), string(rec.ScenarioBytes()), what)
			got, err := ctl.scenarioJSON()
			require.NoError(t, err)
			want, err = scenario.Marshal(ctl.Scenario())
			require.NoError(t, err)
			require.Equal(t, string(want), string(got), what)
			ctl.Saved(storage.SavedScenario{ID: "x", Scenario: rec.ScenarioBytes()}, true)
			require.False(t, ctl.Unsaved(), what)
		}
		same("imported")
		require.NoError(t, ctl.Step(7))
		same("stepped")
		require.NoError(t, ctl.Apply(scenario.Command{Do: scenario.BringUp}))
		require.NoError(t, ctl.Step(3))
		same("a command")
		require.NoError(t, ctl.TravelTo(4))
		same("travelled back, a future kept")
		require.NoError(t, ctl.Step(10))
		require.True(t, ctl.Unsaved(), "run past where it was saved")
	}
}

// An import's error names the file once: a parser's located error as it
// is ("bad.yaml:4: ..."), a failure of the world built from it with the
// file's name before it.
func TestImportErrorsNameTheFileOnce(t *testing.T) {
	job := func(name string) *importJob {
		return &importJob{name: name, progress: func(string, int, int) {}, sliceFrom: nowMs()}
	}
	for _, c := range []struct {
		name, data, want string
	}{
		{"bad.yaml", "Regions:\n  - Name: r\n    Zones: [\n", "bad.yaml:4: did not find expected node content"},
		{"bad.json", `{"x": 1}`, `bad.json: not a scenario: no "format" field`},
	} {
		_, w, err := job(c.name).prepare(func(j *importJob) (*scenario.Scenario, error) {
			return importedScenario(c.name, []byte(c.data), nil)
		})
		require.Nil(t, w)
		require.EqualError(t, err, c.want)
	}

	sc, err := scenario.Builtin("standard")
	require.NoError(t, err)
	sc.Inventory = scenario.Inventory{Builtin: "nowhere", Version: scenario.InventoryVersion}
	_, w, err := job("odd.json").prepare(func(j *importJob) (*scenario.Scenario, error) { return sc, nil })
	require.Nil(t, w)
	require.ErrorContains(t, err, `odd.json: `)
	require.NotContains(t, err.Error(), "odd.json: odd.json")
	require.Contains(t, err.Error(), `no built-in inventory "nowhere"`)
}
