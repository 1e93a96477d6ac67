package app

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/cloudchamber/cloudchamber/app/logtree"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// LogPanel is the trace log: what the simulation did and why, as trees of
// spans, newest first. The page renders it as &LogPanel{S: session, V:
// the log's version (Shell.logVersion)}, so go-app re-renders it only when
// the log has something new to show.
type LogPanel struct {
	app.Compo

	S    *Session // nil while the server pre-renders: an empty panel
	V    uint64   // the log's version when rendered (Shell.logVersion); only here to trigger updates
	Page logPage  // where an element named in the log goes when clicked, and the infrastructure filter; nil in tests

	// Local UI state: it survives re-renders and never reaches the core.
	open    map[trace.SpanID]bool // expanded spans
	filter  logtree.Filter
	world   *sim.World // the world the expansions belong to (span ids restart with a new one)
	tree    *logtree.Tree
	treeKey logtree.Key
}

// logPage is how the log changes what is not its own (the Shell).
type logPage interface {
	picker
	showInfra(on bool) // the log shows infrastructure entries, or not
}

const (
	logRootsMax   = 200 // root rows drawn; older ones are counted, not drawn
	logDetailMax  = 300 // lines drawn inside expanded trees, all together
	logImpactsMax = 24  // impacts listed under one expanded span
)

// logTree is the tree of the session's entries, rebuilt only when they changed.
func (p *LogPanel) logTree() *logtree.Tree {
	es := p.S.Entries()
	if key := logtree.KeyOf(es); p.tree == nil || key != p.treeKey {
		p.tree, p.treeKey = logtree.Build(es), key
	}
	return p.tree
}

// Render draws the filters, the downloads and the newest root spans.
func (p *LogPanel) Render() app.UI {
	if p.S == nil || p.S.World() == nil {
		return app.Section().Class("panel", "panel-log").Aria("label", "Trace log").Body(
			app.H2().Text("Trace log"),
		)
	}
	if p.world != p.S.World() { // a load or reset: old span ids mean other spans now
		p.world, p.open = p.S.World(), nil
	}
	t := p.logTree()
	roots := t.Filter(p.filter)
	shown := roots[:min(len(roots), logRootsMax)]
	budget := logDetailMax

	rows := make([]app.UI, 0, len(shown)+1)
	for _, n := range shown {
		rows = append(rows, p.renderRoot(t, n, &budget))
	}
	return app.Section().Class("panel", "panel-log").Aria("label", "Trace log").Body(
		app.H2().Text("Trace log"),
		p.renderFilters(),
		app.Div().Class("log-actions").Body(
			app.Button().Type("button").Class("log-download").Text("Download trace (JSONL)").
				Title("The kept trace entries, one JSON object a line (trace.jsonl)").
				OnClick(p.onDownloadJSONL),
			app.Button().Type("button").Class("log-download").Text("Download trace (text)").
				Title("The kept trace entries as an indented text tree (trace.txt)").
				OnClick(p.onDownloadText),
		),
		app.P().Class("log-count").Text(logCount(len(roots), len(t.Roots), len(p.S.Entries()))),
		app.Ul().Class("log-list").Body(rows...),
		app.If(len(roots) > len(shown), func() app.UI {
			return app.P().Class("log-more").Text(plural(len(roots)-len(shown), "older entry", "older entries") + " not shown")
		}),
	)
}

// logCount is the line above the log: "3 of 120 traces match; 400 spans kept".
func logCount(match, traces, spans int) string {
	verb := "match"
	if match == 1 {
		verb = "matches"
	}
	return fmt.Sprintf("%s of %s %s; %s kept", digits(match), plural(traces, "trace"), verb, plural(spans, "span"))
}

func (p *LogPanel) renderFilters() app.UI {
	f := p.filter
	opts := make([]app.UI, 0, trace.Fatal)
	for s := trace.Debug; s <= trace.Fatal; s++ {
		opt := app.Option().Value(s.String()).Text(s.String())
		if max(f.MinSeverity, trace.Debug) == s { // only when true: a pre-rendered selected="false" still selects
			opt = opt.Selected(true)
		}
		opts = append(opts, opt)
	}
	infra := app.Input().Type("checkbox").OnChange(p.onInfra)
	if f.Infra {
		infra = infra.Checked(true)
	}
	return app.Div().Class("log-filters").Body(
		app.Label().Class("log-filter").Body(
			app.Span().Text("Minimum severity"),
			app.Select().OnChange(p.onSeverity).Body(opts...),
		),
		app.Label().Class("log-filter", "log-filter-check").Body(
			infra,
			app.Span().Text("Show infrastructure spans"),
		),
		app.Label().Class("log-filter").Body(
			app.Span().Text("Element"),
			app.Input().Type("search").Value(f.Element).Placeholder("rack4/blade/6").
				AutoComplete(false).Spellcheck(false).OnInput(p.onElement),
		),
		app.Label().Class("log-filter").Body(
			app.Span().Text("Text"),
			app.Input().Type("search").Value(f.Text).Placeholder("name or reason").
				AutoComplete(false).OnInput(p.onText),
		),
	)
}

// renderRoot is one row of the list; data-testid="log-entry" is what the
// browser tests count.
func (p *LogPanel) renderRoot(t *logtree.Tree, n *logtree.Node, budget *int) app.UI {
	return app.Li().Class("log-entry", "sev-"+n.Rollup.String()).DataSet("testid", "log-entry").Body(
		p.renderSpanBody(t, n, 0, budget)...,
	)
}

// renderSpanBody is a span's toggle and, when expanded, its impacts and its
// events in order, with children at their Child events and the spans a
// request started at its Link event.
func (p *LogPanel) renderSpanBody(t *logtree.Tree, n *logtree.Node, depth int, budget *int) []app.UI {
	e := n.E
	open := p.open[e.ID]
	out := []app.UI{p.renderToggle(n, open)}
	if !open {
		return out
	}
	var items []app.UI
	if len(e.Impacts) > 0 {
		items = append(items, p.renderImpacts(e))
	}
	placed := make(map[*logtree.Node]bool, len(n.Kids))
	for _, ev := range e.Events {
		if *budget <= 0 {
			break
		}
		switch ev.Kind {
		case trace.Child:
			k, ok := t.Span(trace.SpanID(ev.Ref))
			if !ok || k.E.Parent != e.ID {
				*budget--
				items = append(items, app.Li().Class("log-line", "log-missing").Text(fmt.Sprintf("@%d %s: not ended yet, or no longer kept", ev.Tick, ev.Text)))
				continue
			}
			placed[k] = true
			items = append(items, p.renderNested(t, k, depth+1, budget))
		case trace.Link:
			*budget--
			linked := t.Linked(trace.LinkID(ev.Ref))
			var sub []app.UI
			for _, k := range linked {
				if *budget <= 0 {
					break
				}
				sub = append(sub, p.renderNested(t, k, depth+1, budget))
			}
			label := fmt.Sprintf("@%d → %s", ev.Tick, ev.Text)
			switch len(linked) {
			case 0: // the work has not ended yet, was dropped, or never started
			case 1:
				label += " (started: " + linked[0].E.Name.String() + ")"
			default:
				label += fmt.Sprintf(" (started: %s, and %d more)", linked[0].E.Name, len(linked)-1)
			}
			items = append(items, app.Li().Class("log-line", "log-link").Body(
				app.Span().Text(label),
				app.If(len(sub) > 0, func() app.UI { return app.Ul().Class("log-tree").Body(sub...) }),
			))
		default:
			*budget--
			items = append(items, app.Li().Class("log-line", "sev-"+ev.Severity.String()).Body(
				app.Span().Class("log-sev").Text(string(ev.Severity.Letter())).Title(ev.Severity.String()),
				app.Text(fmt.Sprintf("@%d %s", ev.Tick, ev.Text)),
			))
		}
	}
	for _, k := range n.Kids { // children no Child event announced (malformed input)
		if !placed[k] && *budget > 0 {
			items = append(items, p.renderNested(t, k, depth+1, budget))
		}
	}
	if *budget <= 0 {
		items = append(items, app.Li().Class("log-line", "log-cut").Text("More lines are not shown: collapse other spans to see them."))
	}
	return append(out, app.Ul().Class("log-tree").Body(items...))
}

func (p *LogPanel) renderNested(t *logtree.Tree, n *logtree.Node, depth int, budget *int) app.UI {
	*budget--
	li := app.Li().Class("log-span", "sev-"+n.Rollup.String())
	if depth >= logtree.DepthMax {
		return li.Text(n.E.Name.String() + " (nested too deep to show)")
	}
	return li.Body(p.renderSpanBody(t, n, depth, budget)...)
}

func (p *LogPanel) renderToggle(n *logtree.Node, open bool) app.UI {
	e := n.E
	ticks := "@" + strconv.FormatInt(int64(e.Start), 10)
	if e.End != e.Start {
		ticks += "–" + strconv.FormatInt(int64(e.End), 10)
	}
	expanded := "false"
	if open {
		expanded = "true"
	}
	name := e.Name.String()
	if e.Infra {
		name += " (infra)"
	}
	return app.Button().Type("button").Class("log-toggle").Aria("expanded", expanded).DataSet("span", uint64(e.ID)).
		OnClick(onRow("toggle", e.ID, p.onToggle)).Body(
		app.Span().Class("log-badge", "sev-"+n.Rollup.String()).Title("highest severity in this span: "+n.Rollup.String()).Text(n.Rollup.String()),
		app.Span().Class("log-tick").Text(ticks),
		app.Span().Class("log-name").Text(name),
		app.If(!e.Reason.IsZero(), func() app.UI { return app.Span().Class("log-reason").Text(e.Reason.String()) }),
	)
}

func (p *LogPanel) renderImpacts(e *trace.Entry) app.UI {
	items := make([]app.UI, 0, min(len(e.Impacts), logImpactsMax)+1)
	for i, im := range e.Impacts {
		if i == logImpactsMax {
			items = append(items, app.Li().Text(fmt.Sprintf("and %d more", len(e.Impacts)-i)))
			break
		}
		code := string(im.Impact.Letter()) + " "
		path, ok := logtree.ElementPath(im.Element)
		if ok {
			_, ok = p.S.World().Hardware().Lookup(path)
		}
		if !ok {
			items = append(items, app.Li().Title(im.Impact.String()).Text(code+im.Element))
			continue
		}
		items = append(items, app.Li().Title(im.Impact.String()).Body(
			app.Text(code),
			app.Button().Type("button").Class("log-element").Title("Select "+path+" in the inventory").
				OnClick(onRow("select", path, p.onSelect)).Text(im.Element),
		))
	}
	return app.Li().Class("log-impacts").Body(
		app.Span().Text("Impacts"),
		app.Ul().Body(items...),
	)
}

func (p *LogPanel) toggle(id trace.SpanID) {
	if p.open == nil {
		p.open = make(map[trace.SpanID]bool)
	}
	if p.open[id] {
		delete(p.open, id)
	} else {
		p.open[id] = true
	}
}

// onToggle and onSelect are row handlers (onRow): they get the row's key.
func (p *LogPanel) onToggle(ctx app.Context, id trace.SpanID) { p.toggle(id) }

func (p *LogPanel) onSelect(ctx app.Context, path string) {
	if p.Page != nil {
		p.Page.selectElement(path)
	}
}

func (p *LogPanel) onSeverity(ctx app.Context, e app.Event) {
	v := ctx.JSSrc().Get("value").String()
	for s := trace.Debug; s <= trace.Fatal; s++ {
		if s.String() == v {
			p.filter.MinSeverity = s
		}
	}
}

func (p *LogPanel) onInfra(ctx app.Context, e app.Event) {
	p.filter.Infra = ctx.JSSrc().Get("checked").Bool()
	if p.Page != nil {
		p.Page.showInfra(p.filter.Infra) // so the page re-renders the log for infrastructure entries too
	}
}

func (p *LogPanel) onElement(ctx app.Context, e app.Event) {
	p.filter.Element = ctx.JSSrc().Get("value").String()
}

func (p *LogPanel) onText(ctx app.Context, e app.Event) {
	p.filter.Text = ctx.JSSrc().Get("value").String()
}

// logKeptEntries copies the kept entries for the exporters, which take values.
func logKeptEntries(es []*trace.Entry) []trace.Entry {
	out := make([]trace.Entry, len(es))
	for i, e := range es {
		out[i] = *e
	}
	return out
}

func (p *LogPanel) onDownloadJSONL(ctx app.Context, e app.Event) {
	p.download("trace.jsonl", "application/x-ndjson", trace.WriteJSONL)
}

func (p *LogPanel) onDownloadText(ctx app.Context, e app.Event) {
	p.download("trace.txt", "text/plain", trace.WriteText)
}

func (p *LogPanel) download(name, mime string, write func(w io.Writer, es []trace.Entry) error) {
	if p.S == nil {
		return
	}
	var b bytes.Buffer
	if err := write(&b, logKeptEntries(p.S.Entries())); err != nil {
		p.S.SetErr("export " + name + ": " + err.Error())
		return
	}
	Download(name, mime, b.Bytes())
}
