//go:build !(js && wasm)

package app

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/logtree"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panelsATestController loads a built-in scenario and steps it to tick ticks.
func panelsATestController(t *testing.T, name string, ticks int64) *Controller {
	t.Helper()
	sc, err := scenario.Builtin(name)
	require.NoError(t, err)
	c, err := NewController(sc)
	require.NoError(t, err)
	for ticks > 0 {
		n := min(ticks, 100)
		require.NoError(t, c.Step(n))
		ticks -= n
	}
	return c
}

// panelsAHTML is a mounted component's markup, unescaped so that tests can
// look for names and reasons as the trace spells them.
func panelsAHTML(ui app.UI) string { return html.UnescapeString(app.HTMLString(ui)) }

// logUnderTest captures the context a handler would get (TOOLCHAIN §4).
type logUnderTest struct {
	LogPanel
	ctx app.Context
}

func (l *logUnderTest) OnPreRender(ctx app.Context) { l.ctx = ctx }

// picked is a page that records what a component selected or showed.
type picked struct {
	selected, zone string
	infra          bool
}

func (p *picked) selectElement(path string) { p.selected = path }
func (p *picked) showZone(z string)         { p.zone = z }
func (p *picked) showInfra(on bool)         { p.infra = on }

func loadLog(t *testing.T, c *Controller) (*logUnderTest, app.TestEngine) {
	t.Helper()
	l := &logUnderTest{LogPanel: LogPanel{S: c.Session, V: c.Version(), Page: &picked{}}}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(l))
	e.ConsumeAll()
	require.NotNil(t, l.ctx, "OnPreRender did not run")
	return l, e
}

// act changes the panel's state as a handler would, then lets it re-render.
func (l *logUnderTest) act(e app.TestEngine, f func()) {
	l.ctx.Dispatch(func(app.Context) { f() })
	e.ConsumeAll()
}

var logEntryRE = regexp.MustCompile(`<li[^>]*data-testid="log-entry"[^>]*>\s*<button[^>]*>\s*<span[^>]*>[^<]*</span>\s*<span class="log-tick">@(\d+)`)

// logRowTicks are the start ticks of the root rows, in the order drawn.
func logRowTicks(t *testing.T, page string) []int {
	t.Helper()
	var out []int
	for _, m := range logEntryRE.FindAllStringSubmatch(page, -1) {
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		out = append(out, n)
	}
	return out
}

func TestLogPanelWithoutController(t *testing.T) {
	page := panelsAHTML(&LogPanel{})
	assert.Contains(t, page, `aria-label="Trace log"`)
	assert.Contains(t, page, "<h2>Trace log</h2>")
	assert.NotContains(t, page, "log-entry")
}

// The blade-failure story at tick 150: a blade fault at 100, the monitor's
// verdicts at 105 and 110, then the repair manager's escalation.
func TestLogPanelShowsTheBladeFailureStory(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 150)
	l, e := loadLog(t, c)
	page := panelsAHTML(l)

	ticks := logRowTicks(t, page)
	require.NotEmpty(t, ticks)
	assert.Equal(t, strings.Count(page, `data-testid="log-entry"`), len(ticks))
	for i := 1; i < len(ticks); i++ {
		require.LessOrEqual(t, ticks[i], ticks[i-1], "roots newest first, row %d", i)
	}
	assert.Equal(t, 150, ticks[0], "the newest root is the power-cycle at 150")
	assert.LessOrEqual(t, len(ticks), logRootsMax)

	// The repair manager's decisions for the failed blade, with their reasons.
	assert.Contains(t, page, "repair: hard-reboot standard/standard/rack4/blade/6")
	assert.Contains(t, page, "standard/standard/rack4/blade/6 should be working, but it did not answer a soft reboot, so reset it (hard reboot)")
	assert.Contains(t, page, "repair: power-cycle standard/standard/rack4/blade/6")

	// Infrastructure spans (stepping, polls) are hidden until asked for.
	assert.NotContains(t, page, "step 50 to t=150")
	assert.NotContains(t, page, "monitor: poll standard/standard/rack4/blade/6")
	l.act(e, func() { l.filter.Infra = true })
	page = panelsAHTML(l)
	assert.Contains(t, page, "step 50 to t=150 (infra)")
	assert.Contains(t, page, "monitor: poll standard/standard/rack4/blade/6")
	l.act(e, func() { l.filter.Infra = false })

	// An element narrows the list to what touched it.
	all := len(logRowTicks(t, panelsAHTML(l)))
	l.act(e, func() { l.filter.Element = "rack4/blade/6" })
	page = panelsAHTML(l)
	narrowed := logRowTicks(t, page)
	assert.NotEmpty(t, narrowed)
	assert.Less(t, len(narrowed), all)
	assert.NotContains(t, page, "repair: power-on standard/standard/rack1/blade/1")
	assert.Contains(t, page, "inject blade-fault standard/standard/rack4/blade/6")
}

func TestLogPanelExpandsATree(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 150)
	l, e := loadLog(t, c)
	var hard *trace.Entry
	for _, en := range c.Entries() {
		if en.Name.String() == "repair: hard-reboot standard/standard/rack4/blade/6" {
			hard = en
		}
	}
	require.NotNil(t, hard)

	page := panelsAHTML(l)
	assert.NotContains(t, page, "hard reboot standard/standard/rack4/blade/6<", "children hidden until expanded")
	assert.Contains(t, page, `aria-expanded="false"`)

	l.act(e, func() { l.toggle(hard.ID) })
	page = panelsAHTML(l)
	assert.Regexp(t, `aria-expanded[ >]`, page, `"true" prints as a bare attribute natively`)
	assert.Contains(t, page, `<span class="log-name">hard reboot standard/standard/rack4/blade/6</span>`, "the child span")
	assert.Contains(t, page, `@130 rule "blade-down", choice "hard-reboot"`, "the decision's debug line")
	assert.Regexp(t, `<button[^>]*class="log-element"[^>]*>standard/standard/rack4/blade/6</button>`, page, "impacts select the element")

	// Expansion survives a re-render with a new version.
	require.NoError(t, c.Step(1))
	l.act(e, func() { l.V = c.Version() })
	assert.Contains(t, panelsAHTML(l), `<span class="log-name">hard reboot standard/standard/rack4/blade/6</span>`)

	// Selecting an element from an impact goes to the page.
	l.onSelect(l.ctx, "standard/standard/rack4/blade/6")
	assert.Equal(t, "standard/standard/rack4/blade/6", l.Page.(*picked).selected)

	l.act(e, func() { l.toggle(hard.ID) })
	assert.NotContains(t, panelsAHTML(l), `<span class="log-name">hard reboot standard/standard/rack4/blade/6</span>`)
}

// A link shows the span it started, by name, where the request was made.
func TestLogPanelShowsLinkedSpans(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 111)
	l, e := loadLog(t, c)
	var unavailable *trace.Entry
	for _, en := range c.Entries() {
		if strings.HasPrefix(en.Name.String(), "monitor: standard/standard/rack4/blade/6 is silent") && strings.Contains(en.Reason.String(), "marked unavailable") {
			unavailable = en
		}
	}
	require.NotNil(t, unavailable)
	l.act(e, func() { l.toggle(unavailable.ID) })
	assert.Contains(t, panelsAHTML(l), "(started: repair: soft-reboot standard/standard/rack4/blade/6, and 1 more)")
}

func TestLogPanelCapsTheRows(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 150)
	roots := logtree.Build(c.Entries()).Filter(logtree.Filter{})
	require.Greater(t, len(roots), logRootsMax, "the story must have more roots than are drawn")
	page := panelsAHTML(&LogPanel{S: c.Session, V: c.Version()})
	assert.Len(t, logRowTicks(t, page), logRootsMax)
	assert.Contains(t, page, strconv.Itoa(len(roots)-logRootsMax)+" older entries not shown")
	assert.Less(t, len(regexp.MustCompile(`<[a-z]`).FindAllString(page, -1)), 1300, "elements: about six a row")
}
