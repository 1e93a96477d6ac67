package sim_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/stretchr/testify/require"
)

var updateGoldenLinks = flag.Bool("update-golden-links", false,
	"write testdata/golden-links/engine-<EngineVersion>.txt (only when the engine version is new: older files are never rewritten)")

// goldenLink is a shared link as people hold it: the link, and the tick and
// trace hash it opened at under the engine that made it.
type goldenLink struct {
	name   string
	engine int
	tick   clock.Tick
	hash   string
	link   string
}

var goldenHeader = regexp.MustCompile(`^(\S+) engine=(\d+) t=(\d+) ([0-9a-f]{64})$`)

// readGoldenLinks reads a file of entries: a header line
// "NAME engine=N t=TICK HASH", then the link on the next line; lines
// starting with # are comments.
func readGoldenLinks(t *testing.T, path string) []goldenLink {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []goldenLink
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, link.MaxFragment+1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		m := goldenHeader.FindStringSubmatch(text)
		require.NotNil(t, m, "%s:%d: want NAME engine=N t=TICK HASH, got %q", path, line, text)
		require.True(t, sc.Scan(), "%s:%d: the link is missing", path, line)
		line++
		e := goldenLink{name: m[1], hash: m[4], link: strings.TrimSpace(sc.Text())}
		e.engine, _ = strconv.Atoi(m[2])
		tick, _ := strconv.ParseInt(m[3], 10, 64)
		e.tick = clock.Tick(tick)
		out = append(out, e)
	}
	require.NoError(t, sc.Err())
	return out
}

// goldenSessions are the sessions whose links are pinned: every built-in
// at t=2000, and sessions shaped like users' (their own commands, rules,
// inventories and policies).
func goldenSessions(t *testing.T) map[string]*sim.World {
	out := map[string]*sim.World{}
	run := func(name string, sc *scenario.Scenario, to clock.Tick, cmds ...scenario.Timed) {
		w, err := sim.New(sc)
		require.NoError(t, err, name)
		for _, c := range cmds {
			require.NoError(t, w.RunTo(c.At), name)
			_, err := w.Apply(c.Command)
			require.NoError(t, err, "%s: %s", name, c.Command)
		}
		require.NoError(t, w.RunTo(to), name)
		out[name] = w
	}
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		run("builtin-"+name, sc, 2000)
	}

	// A user's session on the standard story: a fault, a power-off, a
	// workload, a maintenance.
	sc, err := scenario.Builtin("standard")
	require.NoError(t, err)
	if sc.Control != nil {
		spec := sched.Workload{Name: "shop", Affinity: sched.StrongAntiAffinity, Domain: sched.DomainRack}
		for i := range 3 {
			spec.Instances = append(spec.Instances, sched.Instance{Name: fmt.Sprintf("web%d", i), AffinityGroup: int64(i),
				Requires: sched.Requirements{Cores: 1000, MemoryMB: 2048}})
		}
		run("user-standard-session", sc, 900,
			scenario.Timed{At: 120, Command: scenario.Command{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.BladeFault, Target: "standard/standard/rack1/blade/1"}}},
			scenario.Timed{At: 150, Command: scenario.Command{Do: scenario.CreateWorkload, Workload: &spec}},
			scenario.Timed{At: 300, Command: scenario.Command{Do: scenario.Maintain, Target: "standard/standard/rack4/blade/6"}},
			scenario.Timed{At: 600, Command: scenario.Command{Do: scenario.ReturnService, Target: "standard/standard/rack4/blade/6"}},
		)
	}

	// Another seed, policy and inventory for the churn story.
	sc, err = scenario.Builtin("workload-churn")
	require.NoError(t, err)
	sc.Seed = 77
	sc.Inventory = scenario.Inventory{Generate: &inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 4, BladesPerRack: 16}}
	sc.Control.Workloads.Policy = "best-fit"
	run("user-churn-best-fit", sc, 3000)

	// The availability study with the user's own repair rule: straight to
	// a technician.
	sc, err = scenario.Builtin("availability")
	require.NoError(t, err)
	set := *sc.Control.RulesOrDefault()
	set.Rules = slices.Clone(set.Rules)
	for i := range set.Rules {
		set.Rules[i].Choices = slices.DeleteFunc(slices.Clone(set.Rules[i].Choices), func(c rules.Choice) bool { return c.Call != "technician" })
	}
	sc.Control.Rules = &set
	run("user-rules-technician", sc, 5000)

	// The hardware alone: no control plane, the user's own commands.
	sc = scenario.Default()
	sc.Control = nil
	run("user-hardware-only", sc, 400,
		scenario.Timed{At: 0, Command: scenario.Command{Do: scenario.BringUp}},
		scenario.Timed{At: 200, Command: scenario.Command{Do: scenario.FaultBlade, Target: "standard/standard/rack1/blade/3"}},
		scenario.Timed{At: 250, Command: scenario.Command{Do: scenario.StopRack, Target: "standard/standard/rack4"}},
	)
	return out
}

// Links people hold keep opening. A link made by this engine replays to
// the tick and trace hash it was pinned with; one made by an older engine
// still decodes (its format migrated), says it is from another engine, and
// replays to its tick. A behaviour change bumps EngineVersion and adds a
// file for the new engine (-update-golden-links); the old files stay.
func TestGoldenLinksReplay(t *testing.T) {
	dir := filepath.Join("testdata", "golden-links")
	current := filepath.Join(dir, fmt.Sprintf("engine-%d.txt", sim.EngineVersion))
	if *updateGoldenLinks {
		writeGoldenLinks(t, current)
	}
	files, err := filepath.Glob(filepath.Join(dir, "engine-*.txt"))
	require.NoError(t, err)
	require.Contains(t, files, current, "no golden links for this engine: run with -update-golden-links")
	for _, f := range files {
		for _, e := range readGoldenLinks(t, f) {
			t.Run(filepath.Base(f)+"/"+e.name, func(t *testing.T) {
				d, err := link.Decode(e.link, sim.EngineVersion)
				if e.engine == sim.EngineVersion {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, link.ErrOtherEngine)
				}
				require.Equal(t, e.engine, d.Engine)
				w, err := sim.New(d.Scenario)
				require.NoError(t, err)
				require.Equal(t, e.tick, w.Now())
				if e.engine == sim.EngineVersion {
					require.Equal(t, e.hash, w.Status().Hash, "the link no longer replays to its hash: a behaviour change bumps sim.EngineVersion")
				}
			})
		}
	}
	names := map[string]bool{}
	for _, e := range readGoldenLinks(t, current) {
		names[e.name] = true
	}
	for _, b := range scenario.Builtins() {
		require.True(t, names["builtin-"+b], "built-in %s has no golden link for this engine", b)
	}
}

func writeGoldenLinks(t *testing.T, path string) {
	sessions := goldenSessions(t)
	names := make([]string, 0, len(sessions))
	for n := range sessions {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	fmt.Fprintf(&b, "# Links made by engine %d, with the tick and trace hash each opens at.\n", sim.EngineVersion)
	b.WriteString("# Written by go test ./core/sim/ -run TestGoldenLinksReplay -update-golden-links; never rewritten once the engine changes.\n\n")
	for _, n := range names {
		w := sessions[n]
		l, err := link.Encode(w.Scenario(), sim.EngineVersion)
		require.NoError(t, err, n)
		fmt.Fprintf(&b, "%s engine=%d t=%d %s\n%s\n\n", n, sim.EngineVersion, w.Now(), w.Status().Hash, l)
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}
