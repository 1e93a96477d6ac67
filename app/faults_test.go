//go:build !(js && wasm)

package app

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

const (
	testBlade = "standard/standard/rack4/blade/6"
	testPDU   = "standard/standard/rack4/pdu/0"
	testTOR   = "standard/standard/rack4/tor/0"
	testRack  = "standard/standard/rack4"
)

type faultsUnderTest struct {
	FaultsPanel
	ctx app.Context
}

func (f *faultsUnderTest) OnPreRender(ctx app.Context) { f.ctx = ctx }

func loadFaults(t *testing.T, c *Controller) (*faultsUnderTest, app.TestEngine) {
	t.Helper()
	p := &faultsUnderTest{FaultsPanel: FaultsPanel{C: c, V: c.Version()}}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NotNil(t, p.ctx, "OnPreRender did not run")
	return p, e
}

// act runs f as an event handler does, then lets the panel re-render.
func (f *faultsUnderTest) act(e app.TestEngine, fn func()) {
	f.ctx.Dispatch(func(app.Context) { fn(); f.V = f.C.Version() })
	e.ConsumeAll()
}

// kindOptions are the values of the fault-kind select's options.
func kindOptions(html string) []string {
	sel := regexp.MustCompile(`(?s)<select[^>]*id="fault-kind".*?</select>`).FindString(html)
	var out []string
	for _, m := range regexp.MustCompile(`value="([^"]*)"`).FindAllStringSubmatch(sel, -1) {
		out = append(out, m[1])
	}
	return out
}

func lastInjection(t *testing.T, c *Controller) faults.Injection {
	t.Helper()
	all := c.World().Control().Faults.Injections()
	require.NotEmpty(t, all)
	return all[len(all)-1]
}

func TestFaultKindsFor(t *testing.T) {
	require.Equal(t, []faults.Kind{faults.BladeFault}, faultKindsFor(hardware.KindBlade))
	require.Equal(t, []faults.Kind{faults.PDUOff, faults.PDUStuck, faults.CableFault}, faultKindsFor(hardware.KindPDU))
	require.Equal(t, []faults.Kind{faults.TORStuck, faults.CableFault}, faultKindsFor(hardware.KindTOR))
	require.Equal(t, []faults.Kind{faults.RackPower}, faultKindsFor(hardware.KindRack))
}

func TestFaultsPanelOffersKindsForTheSelection(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadFaults(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, "Select a blade, PDU, TOR or rack in the inventory")
	require.True(t, tagFlag("hidden", html, `class="fault-fields"`))

	for _, tc := range []struct {
		path  string
		kinds []string
	}{
		{testBlade, []string{"blade-fault"}},
		{testPDU, []string{"pdu-off", "pdu-stuck", "cable-fault"}},
		{testTOR, []string{"tor-stuck", "cable-fault"}},
		{testRack, []string{"rack-power"}},
	} {
		p.act(e, func() { p.Selected = tc.path })
		html := app.HTMLString(p)
		require.Equal(t, tc.kinds, kindOptions(html), tc.path)
		ref, _ := c.World().Hardware().Lookup(tc.path)
		require.Contains(t, html, "Inject a fault on "+hwKindLabel(ref.Kind)+" "+tc.path)
		require.Regexp(t, `<option[^>]*selected[^>]*>`+tc.kinds[0]+`<|<option selected[^>]*>`+tc.kinds[0], html, "the first kind is the default")
	}

	// A kind chosen for a PDU falls back to the blade's when a blade is selected.
	p.act(e, func() { p.Selected = testPDU; p.form.Kind = string(faults.PDUStuck) })
	require.Equal(t, faults.PDUStuck, pickKind(faultKindsFor(hardware.KindPDU), p.form.Kind))
	require.Equal(t, faults.BladeFault, pickKind(faultKindsFor(hardware.KindBlade), p.form.Kind))
}

func TestFaultsPanelInjectsBladeFault(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadFaults(t, c)
	ref, ok := c.World().Hardware().Lookup(testBlade)
	require.True(t, ok)
	require.Equal(t, hardware.BladeWorking, c.World().Hardware().Blade(ref.Blade()).State)

	p.act(e, func() { p.Selected = testBlade })
	p.act(e, func() { p.inject() })
	require.Empty(t, p.formErr)
	require.Empty(t, c.Err())
	require.Equal(t, hardware.BladeFaulted, c.World().Hardware().Blade(ref.Blade()).State)

	x := lastInjection(t, c)
	require.Equal(t, faults.Spec{Kind: faults.BladeFault, Target: testBlade}, x.Spec)
	html := app.HTMLString(p)
	require.Contains(t, html, `data-testid="fault-list"`)
	require.Contains(t, html, "blade-fault "+testBlade)
	require.Contains(t, html, "plan or command")
	require.Contains(t, html, "Injected 1 · active 1 · repaired 0")
	require.Contains(t, html, `data-testid="fault-remove"`)
	require.Contains(t, html, `data-testid="fault-pause"`, "a hard fault can be paused too")

	// Paused, the blade's fault is taken out (and the injection stays
	// open); resumed, it is back.
	p.act(e, func() { p.command(scenario.PauseFault, x.ID) })
	require.Empty(t, c.Err())
	require.Equal(t, faults.Paused, lastInjection(t, c).State)
	require.NotEqual(t, hardware.BladeFaulted, c.World().Hardware().Blade(ref.Blade()).State)
	require.Contains(t, app.HTMLString(p), `data-testid="fault-resume"`)
	p.act(e, func() { p.command(scenario.ResumeFault, x.ID) })
	require.Empty(t, c.Err())
	require.Equal(t, faults.Active, lastInjection(t, c).State)
	require.Equal(t, hardware.BladeFaulted, c.World().Hardware().Blade(ref.Blade()).State)

	// The same fault again on the blade is refused, and says why.
	p.act(e, func() { p.inject() })
	require.Contains(t, p.formErr+c.Err(), "injection 1 (blade-fault since t=40, active) is still open on it")
	require.Equal(t, int64(1), c.World().Control().Faults.Stats().Injected)
}

func TestFaultsPanelFlappingPauseResumeRemove(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadFaults(t, c)
	ref, _ := c.World().Hardware().Lookup(testTOR)
	tor := func() hardware.DeviceState {
		return c.World().Hardware().Device(ref).State
	}

	p.act(e, func() {
		p.Selected = testTOR
		p.form = faultForm{Kind: "tor-stuck", Mode: faultIntermittent, On: "3", Off: "4", Cycles: "0"}
	})
	require.False(t, tagFlag("hidden", app.HTMLString(p), `class="fault-flap"`), "the rhythm shows for an intermittent fault")
	p.act(e, func() { p.inject() })
	require.Empty(t, p.formErr)
	x := lastInjection(t, c)
	require.Equal(t, &faults.Flap{On: 3, Off: 4}, x.Spec.Flap)
	require.Equal(t, faults.Active, x.State)
	require.True(t, x.FaultOn)
	require.Equal(t, hardware.DeviceStuck, tor())
	require.Contains(t, app.HTMLString(p), "flaps 3 on / 4 off, cycle 1, until removed, fault on")

	p.act(e, func() { p.command(scenario.PauseFault, x.ID) })
	require.Empty(t, c.Err())
	require.Equal(t, faults.Paused, lastInjection(t, c).State)
	require.NotEqual(t, hardware.DeviceStuck, tor(), "a paused flap takes its fault out")
	html := app.HTMLString(p)
	require.Contains(t, html, `data-testid="fault-resume"`)
	require.NotContains(t, html, `data-testid="fault-pause"`)

	p.act(e, func() { p.command(scenario.ResumeFault, x.ID) })
	require.Empty(t, c.Err())
	require.Equal(t, faults.Active, lastInjection(t, c).State)
	require.Equal(t, hardware.DeviceStuck, tor())

	p.act(e, func() { p.command(scenario.RemoveFault, x.ID) })
	require.Empty(t, c.Err())
	require.Equal(t, faults.Removed, lastInjection(t, c).State)
	require.NotEqual(t, hardware.DeviceStuck, tor())
	html = app.HTMLString(p)
	require.Contains(t, html, `data-state="removed"`)
	require.Contains(t, html, "flaps 3 on / 4 off, 0 cycles done")
	require.NotContains(t, html, `data-testid="fault-remove"`)
	require.Contains(t, html, "Injected 1 · active 0 · repaired 0")
}

func TestFaultsPanelCableFaultOnAPort(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadFaults(t, c)
	hw := c.World().Hardware()
	ref, _ := hw.Lookup(testPDU)
	ports := cabledPorts(hw, ref)
	require.NotEmpty(t, ports)
	require.Len(t, ports, 9, "one cable per blade of the rack, and port 0 to the TOR")
	require.Equal(t, "port 0 → tor 0", portLabel(hw, ports[0]))
	port := ports[2]

	p.act(e, func() {
		p.Selected = testPDU
		p.form.Kind = string(faults.CableFault)
		p.form.Port = "999" // not cabled: the first port is used instead
	})
	html := app.HTMLString(p)
	require.False(t, tagFlag("hidden", html, `class="fault-field fault-port-field"`))
	require.Contains(t, html, portLabel(hw, port))
	require.Equal(t, ports[0].Port, mustPort(pickPort(ports, p.form.Port)))

	p.act(e, func() {
		p.form.Port = strconv.FormatInt(port.Port, 10)
		p.inject()
	})
	require.Empty(t, p.formErr)
	x := lastInjection(t, c)
	require.Equal(t, faults.Spec{Kind: faults.CableFault, Target: testPDU, Port: port.Port}, x.Spec)
	slot, ok := hw.PortSlot(ref, port.Port)
	require.True(t, ok)
	require.True(t, hw.Cable(slot).Faulted)
	require.Contains(t, app.HTMLString(p), "cable-fault "+testPDU+" port "+strconv.FormatInt(port.Port, 10))
}

func mustPort(n int64, ok bool) int64 {
	if !ok {
		panic("no port")
	}
	return n
}

func TestFaultsPanelRandomProcesses(t *testing.T) {
	c := newTestController(t, "availability", 0)
	p, e := loadFaults(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, `data-name="blade failures"`)
	require.Contains(t, html, "blade-fault · MTBF 18,000 ticks · MTTR 2,000 ticks")
	require.Contains(t, html, ">Turn off<")

	p.act(e, func() { p.setProcess("blade failures", false) })
	require.Empty(t, c.Err())
	require.True(t, c.World().Control().Faults.Processes()[0].Off)
	html = app.HTMLString(p)
	require.Contains(t, html, ">Turn on<")
	require.Contains(t, html, `data-on="false"`)

	p.act(e, func() { p.setProcess("blade failures", true) })
	require.False(t, c.World().Control().Faults.Processes()[0].Off)

	// A process's injections name it as their origin.
	require.NoError(t, c.RunTo(30000))
	for c.Mode() != ModePaused {
		c.Frame(0, 1e9, func() float64 { return 0 })
	}
	all := c.World().Control().Faults.Injections()
	require.Greater(t, len(all), injectionsShownMax, "the process failed many blades by t=30000")
	x := all[len(all)-1]
	require.NotEmpty(t, x.Process)
	what, origin, _ := injectionText(x)
	require.Equal(t, "random process blade failures", origin)
	p.act(e, func() {})
	html = app.HTMLString(p)
	require.Contains(t, html, `data-id="`+strconv.FormatUint(x.ID, 10)+`"`)
	require.Contains(t, html, what)
	require.Equal(t, injectionsShownMax, strings.Count(html, `data-testid="fault"`), "the newest injections only")
	require.Contains(t, html, "the newest 100 shown")
}

func TestFaultsPanelWithoutControlPlaneOrSelection(t *testing.T) {
	c := newTestController(t, "extended", 0)
	p, _ := loadFaults(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, "no control plane")
	require.NotContains(t, html, "inject-fault")

	empty := &FaultsPanel{}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(empty))
	e.ConsumeAll()
	require.NoError(t, app.Match(app.Section().Class("panel", "panel-faults").Aria("label", "Faults"), empty, 0))

	c2 := newTestController(t, "standard", 10)
	p2, e2 := loadFaults(t, c2)
	before := len(c2.World().Commands())
	p2.act(e2, func() { p2.inject() })
	require.Contains(t, p2.formErr, "select a blade, PDU, TOR or rack")
	require.Len(t, c2.World().Commands(), before)
}

func TestParseFaultForm(t *testing.T) {
	ports := []hardware.Cable{{Port: 1}, {Port: 4}}
	pdu := faultKindsFor(hardware.KindPDU)

	s, err := parseFaultForm(defaultFaultForm(), testPDU, pdu, ports)
	require.NoError(t, err)
	require.Equal(t, faults.Spec{Kind: faults.PDUOff, Target: testPDU}, s)

	f := faultForm{Kind: "cable-fault", Port: "4", Mode: faultIntermittent, On: "2", Off: "5", Cycles: "3"}
	s, err = parseFaultForm(f, testPDU, pdu, ports)
	require.NoError(t, err)
	require.Equal(t, faults.Spec{Kind: faults.CableFault, Target: testPDU, Port: 4, Flap: &faults.Flap{On: 2, Off: 5, Cycles: 3}}, s)

	f.Port = "7"
	s, err = parseFaultForm(f, testPDU, pdu, ports)
	require.NoError(t, err)
	require.Equal(t, int64(1), s.Port, "a port that is not cabled falls back to the first")

	_, err = parseFaultForm(f, testPDU, pdu, nil)
	require.ErrorContains(t, err, "has no cabled port")

	for _, tc := range []struct {
		edit func(*faultForm)
		msg  string
	}{
		{func(f *faultForm) { f.On = "0" }, "on: want a whole number of at least 1"},
		{func(f *faultForm) { f.Off = "" }, "off: want a whole number of at least 1"},
		{func(f *faultForm) { f.Cycles = "-1" }, "cycles: want a whole number of at least 0"},
		{func(f *faultForm) { f.On = "1.5" }, "on: want a whole number"},
		{func(f *faultForm) { f.Mode = "sometimes" }, "mode: want hard or intermittent"},
	} {
		g := faultForm{Kind: "pdu-stuck", Mode: faultIntermittent, On: "2", Off: "2", Cycles: "0"}
		tc.edit(&g)
		_, err := parseFaultForm(g, testPDU, pdu, ports)
		require.ErrorContains(t, err, tc.msg)
	}

	_, err = parseFaultForm(defaultFaultForm(), testBlade, nil, nil)
	require.ErrorContains(t, err, "takes no fault")
	hw := newTestController(t, "standard", 0).World().Hardware()
	// Blade index 6 is rack1's blade 7: the label gives the inventory's number.
	require.True(t, strings.HasPrefix(portLabel(hw, hardware.Cable{Port: 3, Blade: 6}), "port 3 → blade 7"), "%s", hw.Blade(6).Path)
}
