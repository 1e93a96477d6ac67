package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// The study scenarios of make bench-peers: each generated file parses and
// validates (as ccsim run reads it) and has the counts its flags ask for.
func TestGenStudies(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		layout   inventory.GenSpec // regions × zones × racks × blades per rack
		every    clock.Tick        // churn: mean ticks between arrivals
		arrivals int64             // churn: arrivals in all
		policy   string
		mtbf     clock.Tick
		mttr     clock.Tick
		summary  string // the line -o prints
	}{
		{name: "churn 1k", args: []string{"churn", "--blades", "1000"},
			layout: inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 20, BladesPerRack: 50},
			every:  259, arrivals: 10_000, policy: "first-fit", mtbf: 30 * day, mttr: 300,
			summary: "blades=1000 arrivals=10000 every=259 lifetime=172800 mtbf=2592000 policy=first-fit ticks=2592000"},
		// BenchmarkChurn10k's shape (core/sim), the spread policy.
		{name: "churn 10k spread", args: []string{"churn", "--blades", "10000", "--policy", "spread"},
			layout: inventory.GenSpec{Regions: 1, ZonesPerRegion: 4, RacksPerZone: 50, BladesPerRack: 50},
			every:  25, arrivals: 100_000, policy: "spread", mtbf: 30 * day, mttr: 300},
		{name: "churn 100k best-fit, one day", args: []string{"churn", "--blades", "100000", "--days", "1", "--policy", "best-fit"},
			layout: inventory.GenSpec{Regions: 1, ZonesPerRegion: 40, RacksPerZone: 50, BladesPerRack: 50},
			every:  1, arrivals: 1_000_000, policy: "best-fit", mtbf: 30 * day, mttr: 300,
			summary: "ticks=86400"},
		{name: "churn 150 blades, 3 a blade", args: []string{"churn", "--blades", "150", "--per-blade", "3"},
			layout: inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 3, BladesPerRack: 50},
			every:  30 * day / 450, arrivals: 450, policy: "first-fit", mtbf: 30 * day, mttr: 300},
		{name: "availability", args: []string{"availability"},
			layout: inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 8, BladesPerRack: 16},
			mtbf:   18_000, mttr: 2_000, summary: "blades=256 mtbf=18000 mttr=2000 ticks=2000000"},
		{name: "availability 1,040 blades", args: []string{"availability", "--blades", "1040", "--mtbf", "5000", "--mttr", "50"},
			layout: inventory.GenSpec{Regions: 1, ZonesPerRegion: 13, RacksPerZone: 5, BladesPerRack: 16},
			mtbf:   5000, mttr: 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "study.json")
			out, errs, code := ccsim(t, append(append([]string{"gen"}, tc.args...), "-o", path)...)
			require.Equal(t, 0, code, errs)
			require.True(t, strings.HasPrefix(out, path+": "), out)
			require.Contains(t, out, tc.summary)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			stdout, _, code := ccsim(t, append([]string{"gen"}, tc.args...)...)
			require.Equal(t, 0, code)
			require.Equal(t, string(data), stdout, "stdout and -o write the same scenario")

			sc, err := scenario.Parse(path, data)
			require.NoError(t, err)
			require.NoError(t, sc.Validate())
			require.Equal(t, &tc.layout, sc.Inventory.Generate)
			ctl := sc.Control
			require.Len(t, ctl.Processes, 1)
			require.Equal(t, tc.mtbf, ctl.Processes[0].MTBF)
			require.Equal(t, tc.mttr, ctl.Processes[0].MTTR)
			if tc.arrivals == 0 {
				return
			}
			a := ctl.Workloads.Arrivals
			require.Equal(t, tc.every, a.Every)
			require.Equal(t, tc.arrivals, a.Count)
			require.Equal(t, clock.Tick(2*day), a.Lifetime)
			require.Equal(t, tc.policy, ctl.Workloads.Policy)
			require.Equal(t, clock.Tick(600), ctl.SampleEvery)
			ref, err := scenario.Builtin("workload-churn")
			require.NoError(t, err)
			require.Equal(t, ref.Control.Workloads.Arrivals.Mix, a.Mix, "the built-in's mix")
		})
	}
}

// The 1,000-blade churn has the stated blades once generated, and the
// availability study at its defaults is the availability built-in.
func TestGenStudiesMatchTheirSources(t *testing.T) {
	out, errs, code := ccsim(t, "gen", "churn", "--blades", "1000")
	require.Equal(t, 0, code, errs)
	sc, err := scenario.Parse("churn", []byte(out))
	require.NoError(t, err)
	def, err := sc.Definition()
	require.NoError(t, err)
	require.Equal(t, 1000, def.Counts().Blades)

	out, errs, code = ccsim(t, "gen", "availability")
	require.Equal(t, 0, code, errs)
	sc, err = scenario.Parse("availability", []byte(out))
	require.NoError(t, err)
	ref, err := scenario.Builtin("availability")
	require.NoError(t, err)
	sc.Name, sc.Description = ref.Name, ref.Description
	require.Equal(t, ref, sc)
}

func TestGenStudiesRefuseBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"churn", "--blades", "1001"}, 1, "--blades must be a multiple of 50 (racks of 50) in 50..100000, got 1001"},
		{[]string{"churn", "--blades", "100050"}, 1, "--blades must be a multiple of 50"},
		{[]string{"churn", "--days", "0"}, 1, "--days must be 1..365, got 0"},
		{[]string{"churn", "--per-blade", "0"}, 1, "--per-blade must be 1..1000, got 0"},
		{[]string{"churn", "--policy", "worst-fit"}, 1, "workloads.policy"},
		{[]string{"churn", "extra"}, 2, `ccsim gen churn: unexpected argument "extra"`},
		{[]string{"availability", "--blades", "100"}, 1, "--blades must be a multiple of 16 (racks of 16)"},
		{[]string{"availability", "--mtbf", "0"}, 1, "mtbf and mttr must be >= 1"},
	} {
		_, errs, code := ccsim(t, append([]string{"gen"}, tc.args...)...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.err, tc.args)
	}
}
