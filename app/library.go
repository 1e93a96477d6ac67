package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// LibraryPanel is the scenario library: save the current run, open,
// rename, duplicate and delete saved ones, export the whole library to a
// file and import it back. Built-in scenarios are read-only templates (in
// the Scenario panel). Storage calls run off the UI goroutine.
type LibraryPanel struct {
	app.Compo
	C    *Controller
	V    uint64
	S    *Shell
	Open bool // the storage is open: changes once, which updates the panel

	list     []SavedScenario
	bad      []string
	loaded   bool // the list has been read once
	loading  bool // a read is in flight
	msg      string
	name     string
	renaming string // id being renamed
	rename   string
	confirm  string // id whose delete awaits confirmation
}

func (p *LibraryPanel) storage() Storage {
	if p.S == nil || p.S.store == nil {
		return nil
	}
	return p.S.store.st
}

// OnMount loads the list.
func (p *LibraryPanel) OnMount(ctx app.Context) { p.refresh(ctx) }

// OnUpdate loads the list once the storage is open, when the panel was
// shown before it was.
func (p *LibraryPanel) OnUpdate(ctx app.Context) {
	if !p.loaded {
		p.refresh(ctx)
	}
}

func (p *LibraryPanel) refresh(ctx app.Context) {
	st := p.storage()
	if st == nil || p.loading {
		return
	}
	p.loading = true
	ctx.Async(func() {
		good, bad, err := st.Scenarios(context.Background())
		ctx.Dispatch(func(ctx app.Context) {
			p.loaded, p.loading = true, false
			if err != nil {
				p.msg = "The library could not be read: " + err.Error()
				return
			}
			p.list = good
			p.bad = p.bad[:0]
			for _, e := range bad {
				p.bad = append(p.bad, e.Error())
			}
		})
	})
}

// Render draws the library.
func (p *LibraryPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-library").Aria("label", "Scenario library")
	if p.C == nil || p.storage() == nil {
		return sec.Body(app.H2().Text("Library"), app.P().Class("muted").Text("Opening the browser's storage…"))
	}
	name := p.name
	if name == "" {
		name = p.C.savedName()
	}
	var rows []app.UI
	for _, s := range p.list {
		s := s
		when := time.UnixMilli(s.Modified).UTC().Format("2006-01-02 15:04:05 UTC")
		var actions []app.UI
		switch {
		case p.renaming == s.ID:
			actions = append(actions,
				app.Input().Value(p.rename).Aria("label", "New name").OnInput(func(ctx app.Context, e app.Event) { p.rename = ctx.JSSrc().Get("value").String() }, app.EventScope(s.ID)),
				app.Button().Text("Rename").OnClick(func(ctx app.Context, e app.Event) { p.doRename(ctx, s) }, app.EventScope(s.ID)),
				app.Button().Text("Cancel").OnClick(func(ctx app.Context, e app.Event) { p.renaming = "" }, app.EventScope(s.ID)))
		case p.confirm == s.ID:
			actions = append(actions,
				app.Span().Text("Delete “"+s.Name+"” for good?"),
				app.Button().DataSet("testid", "library-confirm-delete").Text("Delete").OnClick(func(ctx app.Context, e app.Event) { p.doDelete(ctx, s) }, app.EventScope(s.ID)),
				app.Button().Text("Keep it").OnClick(func(ctx app.Context, e app.Event) { p.confirm = "" }, app.EventScope(s.ID)))
		default:
			actions = append(actions,
				app.Button().DataSet("testid", "library-open").Text("Open").OnClick(func(ctx app.Context, e app.Event) { p.open(s) }, app.EventScope(s.ID)),
				app.Button().Text("Rename").OnClick(func(ctx app.Context, e app.Event) { p.renaming, p.rename = s.ID, s.Name }, app.EventScope(s.ID)),
				app.Button().Text("Duplicate").OnClick(func(ctx app.Context, e app.Event) { p.duplicate(ctx, s) }, app.EventScope(s.ID)),
				app.Button().Text("Delete").OnClick(func(ctx app.Context, e app.Event) { p.confirm = s.ID }, app.EventScope(s.ID)))
		}
		rows = append(rows, app.Li().Class("library-item").DataSet("testid", "library-item").DataSet("name", s.Name).Body(
			app.Strong().Text(s.Name), app.Span().Class("muted").Text(" saved "+when),
			app.Div().Class("row").Body(actions...),
		))
	}
	var bad []app.UI
	for _, b := range p.bad {
		bad = append(bad, app.Li().Text(b))
	}
	var badUI app.UI = app.Text("")
	if len(bad) > 0 {
		badUI = app.Div().Class("error").DataSet("testid", "library-bad").Body(
			app.P().Text("Some saved records could not be read and were skipped (the others are fine):"),
			app.Ul().Body(bad...))
	}
	kind := p.storage().Kind()
	return sec.Body(
		app.H2().Text("Library"),
		app.P().Class("muted").Text("Kept in this browser ("+kind+"). The session you are in is saved as you go; save it here to keep a copy under a name."),
		app.Div().Class("row").Body(
			app.Label().For("save-name").Text("Name"),
			app.Input().ID("save-name").Value(name).OnInput(func(ctx app.Context, e app.Event) { p.name = ctx.JSSrc().Get("value").String() }),
			app.Button().DataSet("testid", "library-save").Text("Save").OnClick(p.onSave).Disabled(!p.loaded),
		),
		app.If(p.msg != "", func() app.UI { return app.P().DataSet("testid", "library-msg").Aria("role", "status").Text(p.msg) }),
		badUI,
		app.Ul().Class("library").DataSet("testid", "library-list").Body(rows...),
		app.Div().Class("row").Body(
			app.Button().Text("Export the library").OnClick(p.onExport),
			app.Label().For("library-import").Text("Import a library file"),
			app.Input().ID("library-import").Type("file").Accept(".json").OnChange(p.onImport),
		),
	)
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "s-" + hex.EncodeToString(b)
}

// onSave saves the current run: over the entry it came from (if that is
// the name), else as a new entry. A write that lost a race with another
// tab says so and keeps both.
func (p *LibraryPanel) onSave(ctx app.Context, e app.Event) {
	data, err := p.C.scenarioJSON()
	if err != nil {
		p.msg = err.Error()
		return
	}
	name := p.name
	if name == "" {
		name = p.C.savedName()
	}
	rec := SavedScenario{ID: newID(), Name: name, Scenario: data}
	if p.C.savedID != "" {
		for _, s := range p.list {
			if s.ID == p.C.savedID && s.Name == name {
				rec.ID, rec.Rev = s.ID, p.C.savedRev
			}
		}
	}
	p.put(ctx, rec, "Saved “"+name+"”.")
}

func (p *LibraryPanel) put(ctx app.Context, rec SavedScenario, ok string) {
	st := p.storage()
	c := p.C
	ctx.Async(func() {
		got, err := st.PutScenario(context.Background(), rec)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case err == nil:
				p.msg = ok
				if rec.Scenario != nil && (c.savedID == "" || c.savedID == got.ID) {
					c.savedID, c.savedRev = got.ID, got.Rev
				}
			default:
				p.msg = "Not saved: " + err.Error()
			}
			p.refresh(ctx)
		})
	})
}

func (p *LibraryPanel) doRename(ctx app.Context, s SavedScenario) {
	p.renaming = ""
	if p.rename == "" || p.rename == s.Name {
		return
	}
	s.Name = p.rename
	p.put(ctx, s, "Renamed to “"+s.Name+"”.")
}

func (p *LibraryPanel) duplicate(ctx app.Context, s SavedScenario) {
	d := SavedScenario{ID: newID(), Name: s.Name + " (copy)", Scenario: s.Scenario}
	p.put(ctx, d, "Duplicated as “"+d.Name+"”.")
}

func (p *LibraryPanel) doDelete(ctx app.Context, s SavedScenario) {
	p.confirm = ""
	st := p.storage()
	ctx.Async(func() {
		err := st.DeleteScenario(context.Background(), s.ID)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.msg = "Not deleted: " + err.Error()
			} else {
				p.msg = "Deleted “" + s.Name + "”."
			}
			p.refresh(ctx)
		})
	})
}

// open makes a saved scenario the session, at the tick it was saved.
func (p *LibraryPanel) open(s SavedScenario) {
	sc, err := scenario.Parse(s.Name, s.Scenario)
	if err == nil {
		err = p.C.Resume(&Session{Scenario: s.Scenario, SavedID: s.ID, SavedRev: s.Rev})
	}
	if err != nil {
		p.C.SetErr("“" + s.Name + "” could not be opened: " + err.Error())
		return
	}
	p.msg = fmt.Sprintf("Opened “%s” at tick %d.", s.Name, sc.At)
}

// libraryFile is the export format of the whole library.
type libraryFile struct {
	Format    int               `json:"format"`
	Scenarios []libraryFileItem `json:"scenarios"`
}

type libraryFileItem struct {
	Name     string          `json:"name"`
	Modified int64           `json:"modified"`
	Scenario json.RawMessage `json:"scenario"`
}

func (p *LibraryPanel) onExport(ctx app.Context, e app.Event) {
	f := libraryFile{Format: 1}
	for _, s := range p.list {
		f.Scenarios = append(f.Scenarios, libraryFileItem{Name: s.Name, Modified: s.Modified, Scenario: s.Scenario})
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		p.msg = err.Error()
		return
	}
	Download("cloudchamber-library.json", "application/json", data)
}

// ParseLibrary reads an exported library file; every scenario in it must
// parse, or nothing is imported. The file is read strictly (core/strictjson),
// and an error in one of its scenarios is located in the file:
// "lib.json:12:5: scenarios[1].scenario.seed: repeats the key of line 11, column 5".
func ParseLibrary(name string, data []byte) ([]SavedScenario, error) {
	var f libraryFile
	if err := strictjson.Decode(name, data, &f); err != nil {
		return nil, err
	}
	if f.Format != 1 {
		return nil, strictjson.PlaceAt(name, data, "format", fmt.Sprintf("library format %d is not one this build reads (1)", f.Format), nil)
	}
	var out []SavedScenario
	for i, it := range f.Scenarios {
		sc, err := scenario.Parse(name, it.Scenario)
		if err != nil {
			var e *strictjson.Error
			if errors.As(err, &e) {
				at := fmt.Sprintf("scenarios[%d].scenario", i)
				line, col, _ := strictjson.Position(data, at)
				e.Within(name, line, col, at)
			}
			return nil, err
		}
		canon, _ := scenario.Marshal(sc)
		out = append(out, SavedScenario{ID: newID(), Name: it.Name, Scenario: canon})
	}
	return out, nil
}

func (p *LibraryPanel) onImport(ctx app.Context, e app.Event) {
	readChosenFile(ctx, func(ctx app.Context, name string, text []byte) {
		items, err := ParseLibrary(name, text)
		if err != nil {
			p.msg = "Nothing imported: " + err.Error()
			return
		}
		st := p.storage()
		ctx.Async(func() {
			n := 0
			var firstErr error
			for _, it := range items {
				if _, err := st.PutScenario(context.Background(), it); err != nil && firstErr == nil {
					firstErr = err
				} else if err == nil {
					n++
				}
			}
			ctx.Dispatch(func(ctx app.Context) {
				p.msg = fmt.Sprintf("Imported %d scenarios from %s.", n, name)
				if firstErr != nil {
					p.msg += " Some were not: " + firstErr.Error()
				}
				p.refresh(ctx)
			})
		})
	})
}
