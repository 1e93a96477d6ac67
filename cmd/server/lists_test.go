//go:build e2e

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The page's lists re-use their rows by position when they re-render. These
// tests change a list under the rows (time moves on, a filter, an insert, a
// rename) and then click: the row clicked is the one that acts.

// logRow is a root row of the trace log as drawn.
type logRow struct {
	Tick     string `json:"tick"`
	Name     string `json:"name"`
	Span     string `json:"span"`
	Expanded bool   `json:"expanded"`
}

// logRows are the log's root rows, top first.
func (p *page) logRows(t *testing.T) []logRow {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`JSON.stringify([...document.querySelectorAll('[data-testid="log-entry"] > .log-toggle')].map(b => ({
		tick: b.querySelector('.log-tick').textContent, name: b.querySelector('.log-name').textContent,
		span: b.dataset.span, expanded: b.getAttribute('aria-expanded') === 'true'})))`))
	require.NoError(t, err)
	var rows []logRow
	require.NoError(t, json.Unmarshal([]byte(s), &rows))
	return rows
}

// clickLogRow clicks the toggle of the i-th root row (0: the top one).
func (p *page) clickLogRow(t *testing.T, i int) {
	t.Helper()
	p.eval(t, `document.querySelectorAll('[data-testid="log-entry"] > .log-toggle')[`+itoa(i)+`].click()`)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// expanded are the spans of the expanded root rows.
func expanded(rows []logRow) []string {
	var out []string
	for _, r := range rows {
		if r.Expanded {
			out = append(out, r.Span)
		}
	}
	return out
}

// Issue 10, part 5: blade-failure, run to 100, the log open, run to 112,
// click the top row: the @110 workload repair opens, not the @100 row.
func TestLogRowOpensItsOwnSpan(t *testing.T) {
	p := openAppAt(t, "/?builtin=blade-failure")
	p.until(t, "blade-failure", `document.querySelector('.shell-tagline').textContent.includes("blade-failure")`)
	p.runTo(t, "100")
	p.click(t, "tab-log")
	p.until(t, "the @100 row on top", `document.querySelector('[data-testid="log-entry"] .log-tick')?.textContent === "@100"`)
	p.runTo(t, "112")
	p.until(t, "the @110 rows on top", `document.querySelector('[data-testid="log-entry"] .log-tick')?.textContent === "@110"`)
	rows := p.logRows(t)
	require.Equal(t, "@110", rows[0].Tick)
	require.Contains(t, rows[0].Name, "workload repair: move instances off standard/standard/rack4/blade/6")
	require.Empty(t, expanded(rows))

	p.clickLogRow(t, 0)
	p.until(t, "a row expanded", `document.querySelector('[data-testid="log-entry"] > .log-toggle[aria-expanded="true"]') !== null`)
	rows = p.logRows(t)
	require.Equal(t, []string{rows[0].Span}, expanded(rows), "the top row, and only it, is open")
	require.True(t, rows[0].Expanded, "the @110 workload repair is open")

	// Filter the list: the rows move; a click still opens the row clicked.
	p.setInput(t, `.log-filters input[placeholder="name or reason"]`, "silent")
	p.until(t, "only the silent rows", `[...document.querySelectorAll('[data-testid="log-entry"] .log-name')].every(e => e.textContent.includes("silent"))`)
	rows = p.logRows(t)
	require.GreaterOrEqual(t, len(rows), 2)
	require.Empty(t, expanded(rows), "the open row is filtered out")
	target := rows[1]
	p.clickLogRow(t, 1)
	p.until(t, "the second row open", `document.querySelectorAll('[data-testid="log-entry"] > .log-toggle')[1].getAttribute('aria-expanded') === 'true'`)
	rows = p.logRows(t)
	require.Equal(t, []string{target.Span}, expanded(rows))
	require.Equal(t, target.Tick+" "+target.Name, rows[1].Tick+" "+rows[1].Name)
	require.Empty(t, p.errors())
}

// libItem is JavaScript for the library row of the entry named name.
func libItem(name string) string {
	n, _ := json.Marshal(name)
	return `[...document.querySelectorAll('[data-testid="library-item"]')].find(e => e.dataset.name === ` + string(n) + `)`
}

func (p *page) libraryMsg(t *testing.T, what, contains string) {
	t.Helper()
	c, _ := json.Marshal(contains)
	p.until(t, what, `(document.querySelector('[data-testid="library-msg"]')?.textContent || "").includes(`+string(c)+`)`)
}

// Issue 10, part 5: save "A" at 100 with the library open, run to 300,
// save again, run to 400, open A: the clock reads 300. Rename A→B→C, then
// Duplicate: "C (copy)". Then a new entry shifts the rows, and Open acts
// on the row clicked.
func TestLibraryRowsActOnTheEntryAsItIsNow(t *testing.T) {
	p := openAppAt(t, "/?builtin=blade-failure")
	p.until(t, "blade-failure", `document.querySelector('.shell-tagline').textContent.includes("blade-failure")`)
	p.runTo(t, "100")
	p.saveAs(t, "A")
	p.runTo(t, "300")
	p.click(t, "library-save")
	p.libraryMsg(t, "saved again", "Saved “A”")
	p.until(t, "one A", `document.querySelectorAll('[data-testid="library-item"]').length === 1`)
	hash300 := p.hash(t)
	p.runTo(t, "400")

	p.eval(t, libItem("A")+`.querySelector('[data-testid="library-open"]').click()`)
	p.libraryMsg(t, "A opened", "Opened “A” at tick 300")
	require.Equal(t, 300, p.tick(t))
	require.Equal(t, hash300, p.hash(t))
	// The run to 400 it replaced was not saved: it is kept (issue 11).
	p.until(t, "the replaced run kept", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name.includes("session before opening “A”"))`)
	const entries = `[...document.querySelectorAll('[data-testid="library-item"]')].filter(e => !e.dataset.name.includes("session before")).length`

	rename := func(from, to string) {
		p.eval(t, libItem(from)+`.querySelector('[data-testid="library-rename"]').click()`)
		p.until(t, "the rename field", `document.querySelector('[data-testid="library-rename-name"]') !== null`)
		p.setInput(t, `[data-testid="library-rename-name"]`, to)
		p.click(t, "library-rename-do")
		p.until(t, to+" listed", libItem(to)+` !== undefined && `+entries+` === 1`)
	}
	rename("A", "B")
	rename("B", "C")
	p.eval(t, libItem("C")+`.querySelector('[data-testid="library-duplicate"]').click()`)
	p.until(t, "the copy", libItem("C (copy)")+` !== undefined`)
	names, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="library-item"]')].map(e => e.dataset.name).filter(n => !n.includes("session before")).sort()`))
	require.NoError(t, err)
	require.Equal(t, []string{"C", "C (copy)"}, names)

	// The session still belongs to C (renamed twice): saving it again at
	// 320 overwrites C, with no conflict.
	p.runTo(t, "320")
	p.setInput(t, `#save-name`, "C")
	p.click(t, "library-save")
	p.libraryMsg(t, "C saved", "Saved “C”")

	// A new entry goes on top: the rows shift under the buttons.
	p.setInput(t, `#save-name`, "Z")
	p.click(t, "library-save")
	p.until(t, "Z on top", `document.querySelector('[data-testid="library-item"]').dataset.name === "Z"`)
	p.runTo(t, "330")
	p.eval(t, libItem("C (copy)")+`.querySelector('[data-testid="library-open"]').click()`)
	p.libraryMsg(t, "the copy opened", "Opened “C (copy)” at tick 300")
	require.Equal(t, 300, p.tick(t))
	p.eval(t, libItem("C")+`.querySelector('[data-testid="library-open"]').click()`)
	p.libraryMsg(t, "C opened", "Opened “C” at tick 320")
	require.Equal(t, 320, p.tick(t))
	require.Empty(t, p.errors())
}

// Workloads: new ones are added, one is deleted (the rows shift), then
// Stop on a row stops that workload and no other.
func TestWorkloadRowsActOnTheirOwnWorkload(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "10")
	p.click(t, "tab-workloads")
	p.until(t, "the form", `document.querySelector('[data-testid="workload-add"]') !== null`)
	for _, name := range []string{"w1", "w2", "w3"} {
		p.setInput(t, `#wl-name`, name)
		p.setInput(t, `#wl-count`, "1")
		p.click(t, "workload-add")
		p.until(t, name+" listed", `document.querySelector('[data-testid="workload"][data-name="`+name+`"]') !== null`)
	}
	wl := func(name string) string {
		return `document.querySelector('[data-testid="workload"][data-name="` + name + `"]')`
	}
	first, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="workload"]').dataset.name`))
	require.NoError(t, err)
	p.eval(t, wl(first)+`.querySelector('[data-testid="workload-delete"]').click()`)
	p.until(t, "confirm", wl(first)+`.querySelector('[data-testid="workload-confirm-delete"]') !== null`)
	p.eval(t, wl(first)+`.querySelector('[data-testid="workload-confirm-delete"]').click()`)
	p.until(t, first+" gone", wl(first)+` === null`)

	p.eval(t, wl("w2")+`.querySelector('[data-testid="workload-stop"]').click()`)
	p.until(t, "w2 stopped", wl("w2")+`.querySelector('.wl-badge-stopped') !== null`)
	stopped, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="workload"]')].filter(e => e.querySelector('.wl-badge-stopped')).map(e => e.dataset.name)`))
	require.NoError(t, err)
	require.Equal(t, []string{"w2"}, stopped)
	require.Empty(t, p.errors())
}

// Injections are listed newest first: each new one goes on top and shifts
// the rows. Remove on a row removes that injection.
func TestInjectionRowsActOnTheirOwnInjection(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "20")
	p.click(t, "tab-faults")
	for _, b := range []string{"rack1-1", "rack2-2", "rack3-3"} {
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-`+b+`"]`))))
		p.until(t, "the form for "+b, `document.querySelector('.fault-form h3').textContent.includes("`+strings.Replace(b, "-", "/blade/", 1)+`")`)
		p.click(t, "inject-fault")
		p.until(t, b+" faulted", `document.querySelector('[data-testid="blade-`+b+`"]').dataset.state === "faulted"`)
	}
	p.until(t, "three injections", `document.querySelectorAll('[data-testid="fault"]').length === 3`)
	row := func(blade string) string {
		return `[...document.querySelectorAll('[data-testid="fault"]')].find(e => e.querySelector('.fault-what').textContent.endsWith("` + blade + `"))`
	}
	p.eval(t, row("rack1/blade/1")+`.querySelector('[data-testid="fault-remove"]').click()`)
	p.until(t, "rack1/blade/1's injection removed", row("rack1/blade/1")+`.dataset.state !== "active"`)
	for _, other := range []string{"rack2/blade/2", "rack3/blade/3"} {
		require.Equal(t, "active", attrJS(t, p, row(other)+`.dataset.state`), other)
	}
	require.Empty(t, p.errors())
}

func attrJS(t *testing.T, p *page, js string) string {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js))
	require.NoError(t, err)
	return v
}

// The selected element's actions: Disable and Enable take the same place
// in turn, and each sends its own command.
func TestDetailActionsSendTheirOwnCommand(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "20")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack5-5"]`))))
	enabled := `[...document.querySelectorAll('[data-testid="detail-card"] .view')].find(v => v.querySelector('h4').textContent === "Target").querySelector('dd:nth-of-type(2)').textContent`
	button := func(text string) string {
		return `[...document.querySelectorAll('[data-testid="detail-card"] .actions button')].find(b => b.textContent === "` + text + `")`
	}
	p.until(t, "enabled", enabled+` === "true"`)
	p.eval(t, button("Disable")+`.click()`)
	p.until(t, "disabled", enabled+` === "false" && `+button("Enable")+` !== undefined`)
	p.eval(t, button("Enable")+`.click()`)
	p.until(t, "enabled again", enabled+` === "true" && `+button("Disable")+` !== undefined`)
	require.Empty(t, p.errors())
}
