//go:build !(js && wasm)

package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// newTestController loads a built-in scenario and steps it.
func newTestController(t *testing.T, name string, ticks int64) *Controller {
	t.Helper()
	sc, err := scenario.Builtin(name)
	require.NoError(t, err)
	c, err := NewController(sc)
	require.NoError(t, err)
	if ticks > 0 {
		require.NoError(t, c.Step(ticks))
	}
	return c
}

// workloadsUnderTest captures a real context (natively go-app calls
// OnPreRender, TOOLCHAIN §4) so a test can act as a handler would: through
// ctx.Dispatch, which re-renders the panel.
type workloadsUnderTest struct {
	WorkloadsPanel
	ctx app.Context
}

func (w *workloadsUnderTest) OnPreRender(ctx app.Context) { w.ctx = ctx }

func loadWorkloads(t *testing.T, c *Controller) (*workloadsUnderTest, app.TestEngine) {
	t.Helper()
	p := &workloadsUnderTest{WorkloadsPanel: WorkloadsPanel{C: c, V: c.Version()}}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NotNil(t, p.ctx, "OnPreRender did not run")
	return p, e
}

// act runs f as an event handler does, then lets the panel re-render.
func (w *workloadsUnderTest) act(e app.TestEngine, f func()) {
	w.ctx.Dispatch(func(app.Context) { f(); w.V = w.C.Version() })
	e.ConsumeAll()
}

// tagFlag reports whether the first tag of html that has attr (such as
// `class="x"`) carries the boolean attribute flag. go-app writes a flag
// that an update cleared as flag="false" in its HTML; the browser never
// sees that (go-app sets the DOM property), so it counts as absent.
func tagFlag(flag, html, attr string) bool {
	tag := regexp.MustCompile(`<[^>]*` + regexp.QuoteMeta(attr) + `[^>]*>`).FindString(html)
	if tag == "" {
		panic("no tag with " + attr)
	}
	return regexp.MustCompile(`\s` + flag + `[\s>]`).MatchString(tag)
}

func instanceStates(t *testing.T, c *Controller, name string) []workload.State {
	t.Helper()
	m := c.World().Control().Workloads
	id, ok := m.Lookup(name)
	require.True(t, ok, "no workload %q", name)
	w := m.Workloads()[id]
	var out []workload.State
	for _, i := range w.Insts {
		out = append(out, m.Instances()[i].State)
	}
	return out
}

func TestWorkloadsPanelWithoutController(t *testing.T) {
	p := &WorkloadsPanel{}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NoError(t, app.Match(app.Section().Class("panel", "panel-workloads").Aria("label", "Workloads"), p, 0))
	require.NoError(t, app.Match(app.Text("Workloads"), p, 0, 0, 0))
}

func TestWorkloadsPanelListsStandardWorkloads(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, _ := loadWorkloads(t, c)
	html := app.HTMLString(p)

	require.Contains(t, html, `data-testid="workload-list"`)
	for _, name := range []string{"web", "db", "batch"} {
		require.Contains(t, html, `data-name="`+name+`"`)
	}
	require.Contains(t, html, "strong-anti-affinity · rack domain · 6 instances: running 6")
	require.Contains(t, html, "weak-anti-affinity · blade domain · 2 instances")
	require.Contains(t, html, "none · rack domain · 8 instances")
	require.Equal(t, 16, strings.Count(html, `class="wl-instance"`))

	// Every instance of the standard scenario runs on a blade, named by path.
	m := c.World().Control().Workloads
	for i, in := range m.Instances() {
		require.Equal(t, workload.Running, in.State, m.Name(workload.InstanceID(i)))
		require.Contains(t, html, "<code>"+c.World().Hardware().Blade(in.Blade).Path+"</code>")
	}
	require.Contains(t, html, "running 16 · waiting 0 · moved 0")
	require.NoError(t, app.Match(app.H2().Text("Workloads"), p, 0, 0))
}

func TestWorkloadsPanelCreatePlacesAfterAStep(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadWorkloads(t, c)
	p.act(e, func() {
		p.form = workloadForm{Name: "cache", Count: "3", Cores: "0.5", MemoryMB: "512", Affinity: "strong-anti-affinity", Domain: "blade"}
		p.create()
	})
	require.Empty(t, p.formErr)
	require.Empty(t, c.Err())
	require.Empty(t, p.form.Name, "the name is cleared for the next workload")

	m := c.World().Control().Workloads
	id, ok := m.Lookup("cache")
	require.True(t, ok)
	def := m.Workloads()[id].Def
	require.Equal(t, sched.StrongAntiAffinity, def.Affinity)
	require.Equal(t, sched.DomainBlade, def.Domain)
	require.Len(t, def.Instances, 3)
	for k, in := range def.Instances {
		require.Equal(t, int64(k), in.AffinityGroup)
		require.Equal(t, sched.Milli(500), in.Requires.Cores)
	}

	require.NoError(t, c.Step(10))
	blades := map[views.BladeID]bool{}
	w := m.Workloads()[id]
	for _, i := range w.Insts {
		in := m.Instances()[i]
		require.Equal(t, workload.Running, in.State)
		require.False(t, blades[in.Blade], "anti-affinity over blades puts each instance on its own blade")
		blades[in.Blade] = true
	}
	p.act(e, func() {})
	require.Contains(t, app.HTMLString(p), `data-name="cache"`)

	// The same name again is refused in the form.
	p.act(e, func() {
		p.form.Name = "cache"
		p.create()
	})
	require.Equal(t, `name: a workload named "cache" exists`, p.formErr)
	require.Equal(t, "name", p.errField)
}

func TestWorkloadsPanelBadCoresSendsNothing(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadWorkloads(t, c)
	before := len(c.World().Commands())
	p.act(e, func() {
		p.form.Name, p.form.Cores = "bad", "1.2345"
		p.create()
	})
	require.Equal(t, "cores", p.errField)
	require.Contains(t, p.formErr, "more than 3 fraction digits")
	require.Len(t, c.World().Commands(), before, "a refused form sends no command")
	_, ok := c.World().Control().Workloads.Lookup("bad")
	require.False(t, ok)

	html := app.HTMLString(p)
	cores := regexp.MustCompile(`<input[^>]*id="wl-cores"[^>]*>`).FindString(html)
	require.Contains(t, cores, `value="1.2345"`, "what the user typed stays")
	require.Regexp(t, `aria-invalid[ >]`, cores, `go-app writes aria-invalid="true" as a bare attribute`)
	require.Contains(t, html, "more than 3 fraction digits")
}

func TestWorkloadsPanelStopResumeDelete(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadWorkloads(t, c)

	p.act(e, func() { p.command(scenario.StopWorkload, "db") })
	require.Empty(t, c.Err())
	require.Equal(t, []workload.State{workload.Stopping, workload.Stopping}, instanceStates(t, c, "db"))
	html := app.HTMLString(p)
	require.Contains(t, html, `data-testid="workload-resume"`)
	require.True(t, tagFlag("disabled", html, `data-testid="workload-resume"`), "resume waits until the instances have stopped")

	require.NoError(t, c.Step(5))
	require.Equal(t, []workload.State{workload.Stopped, workload.Stopped}, instanceStates(t, c, "db"))
	p.act(e, func() { p.command(scenario.ResumeWorkload, "db") })
	require.Empty(t, c.Err())
	require.NoError(t, c.Step(10))
	require.Equal(t, []workload.State{workload.Running, workload.Running}, instanceStates(t, c, "db"))

	// Delete asks first, in the panel; Cancel keeps the workload.
	p.act(e, func() { p.askDelete("batch") })
	require.Contains(t, app.HTMLString(p), "Confirm delete")
	p.act(e, func() { p.cancelDelete() })
	require.NotContains(t, app.HTMLString(p), "Confirm delete")
	p.act(e, func() { p.askDelete("batch") })
	p.act(e, func() { p.command(scenario.DeleteWorkload, "batch") })
	require.Empty(t, p.confirm)
	require.NoError(t, c.Step(5))
	p.act(e, func() {})
	html = app.HTMLString(p)
	require.NotContains(t, html, `data-name="batch"`)
	require.Contains(t, html, "2 workloads (1 deleted)")
}

func TestWorkloadsPanelWithoutWorkloadsBlock(t *testing.T) {
	c := newTestController(t, "extended", 0)
	p, _ := loadWorkloads(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, "no control plane")
	require.NotContains(t, html, "workload-add")

	sc := scenario.Default()
	sc.Control.Workloads = nil
	c2, err := NewController(sc)
	require.NoError(t, err)
	p2, _ := loadWorkloads(t, c2)
	html = app.HTMLString(p2)
	require.Contains(t, html, "no workloads block")
	require.NotContains(t, html, "workload-add")
}

func TestWorkloadsPanelCapsTheList(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadWorkloads(t, c)
	for i := range workloadsShownMax + 5 {
		require.NoError(t, c.Apply(scenario.Command{Do: scenario.CreateWorkload, Workload: &sched.Workload{
			Name:      "tiny-" + string(rune('a'+i/26)) + string(rune('a'+i%26)),
			Instances: []sched.Instance{{Name: "i0", Requires: sched.Requirements{Cores: 1, MemoryMB: 1}}},
		}}))
	}
	p.act(e, func() {})
	html := app.HTMLString(p)
	require.Equal(t, workloadsShownMax, strings.Count(html, `data-testid="workload"`))
	require.Contains(t, html, "108 workloads, the newest 100 shown")
	require.NotContains(t, html, `data-name="web"`, "the oldest are left out")
}

func TestParseWorkloadForm(t *testing.T) {
	good := workloadForm{Name: " api ", Count: "4", Cores: "0.25", MemoryMB: "256", Arch: "arm64", Affinity: "weak-anti-affinity", Domain: "zone"}
	w, field, err := parseWorkloadForm(good)
	require.NoError(t, err)
	require.Empty(t, field)
	require.Equal(t, "api", w.Name)
	require.Equal(t, sched.WeakAntiAffinity, w.Affinity)
	require.Equal(t, sched.DomainZone, w.Domain)
	require.Len(t, w.Instances, 4)
	require.Equal(t, sched.Instance{Name: "i3", AffinityGroup: 3, Requires: sched.Requirements{Cores: 250, MemoryMB: 256, Arch: "arm64"}}, w.Instances[3])

	_, _, err = parseWorkloadForm(defaultWorkloadForm())
	require.EqualError(t, err, "name: give the workload a name")

	for _, tc := range []struct {
		edit  func(*workloadForm)
		field string
		msg   string
	}{
		{func(f *workloadForm) { f.Count = "0" }, "count", "instances: want a whole number from 1 to 50"},
		{func(f *workloadForm) { f.Count = "51" }, "count", "from 1 to 50"},
		{func(f *workloadForm) { f.Count = "2.5" }, "count", "from 1 to 50"},
		{func(f *workloadForm) { f.Cores = "" }, "cores", "got nothing"},
		{func(f *workloadForm) { f.Cores = "abc" }, "cores", "like 0.5 or 2"},
		{func(f *workloadForm) { f.Cores = "-1" }, "cores", "negative"},
		{func(f *workloadForm) { f.Cores = "0" }, "cores", "more than 0"},
		{func(f *workloadForm) { f.MemoryMB = "-5" }, "memory", "0 or more"},
		{func(f *workloadForm) { f.Arch = "x86 64" }, "arch", "one word"},
		{func(f *workloadForm) { f.Affinity = "sticky" }, "affinity", "not an affinity rule"},
		{func(f *workloadForm) { f.Domain = "region" }, "domain", "not a fault domain"},
		{func(f *workloadForm) { f.Name = "a/b" }, "name", "must not contain '/'"},
	} {
		f := good
		tc.edit(&f)
		_, field, err := parseWorkloadForm(f)
		require.ErrorContains(t, err, tc.msg, "%+v", f)
		require.Equal(t, tc.field, field, "%+v", f)
	}
}

func TestWorkloadsPanelSaysWhyAnInstanceWaits(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadWorkloads(t, c)
	p.act(e, func() {
		p.form = workloadForm{Name: "huge", Count: "1", Cores: "500", MemoryMB: "1", Affinity: "none", Domain: "rack"}
		p.create()
	})
	require.Empty(t, p.formErr)
	require.NoError(t, c.Step(5))
	p.act(e, func() {})

	m := c.World().Control().Workloads
	id, _ := m.Lookup("huge")
	in := m.Instances()[m.Workloads()[id].Insts[0]]
	require.Equal(t, workload.Created, in.State)
	require.Less(t, in.Blade, int32(0))
	require.NotEmpty(t, in.Why.String())
	require.Equal(t, int64(1), m.Waiting())
	html := app.HTMLString(p)
	require.Contains(t, html, "waits: "+in.Why.String())
	require.Contains(t, html, "waiting 1")
}
