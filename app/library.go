package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cloudchamber/cloudchamber/app/storage"
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
	C     *Controller
	V     uint64
	Store storage.Storage // nil until the page has opened it
	Page  libraryPage     // the page the storage work is done in; nil in tests
	L     uint64          // the shell's library version: bumped by storage callbacks (done)
	K     uint64          // bumped when the page filed a session in the library (Shell.keep): read the list again

	list     []storage.SavedScenario
	bad      []string
	loaded   bool   // the list has been read once
	loadedK  uint64 // the K the list was read for
	loading  bool   // a read is in flight
	again    bool   // and another was asked for meanwhile
	msg      string
	name     string
	renaming string // id being renamed
	rename   string
	confirm  string // id whose delete awaits confirmation
}

// libraryPage is the page the library's storage work is done in (the
// Shell).
type libraryPage interface {
	// lasting is the context for storage work that a button started: the
	// page's, whose element lives as long as the page (go-app drops what
	// is dispatched for an element no longer mounted: a dialog's button,
	// or this panel if the user changed tabs meanwhile, when the session
	// must still learn its new revision); ctx until the page is mounted.
	lasting(ctx app.Context) app.Context
	// libraryDone ends a storage callback dispatched in the page's
	// context: a new library version for the page to pass down, so this
	// panel re-renders.
	libraryDone()
	// replacer runs a replacement once the session it replaces is kept
	// (Shell.replacing), and says what replaced it (Shell.notify).
	replacer
	// openComparisonEntry opens a comparison's link in the Compare tab
	// and shows that tab; an error changes nothing.
	openComparisonEntry(l string) error
}

// lasting is the context for storage work that a button started (libraryPage.lasting).
func (p *LibraryPanel) lasting(ctx app.Context) app.Context {
	if p.Page != nil {
		return p.Page.lasting(ctx)
	}
	return ctx
}

// done ends a storage callback (libraryPage.libraryDone).
func (p *LibraryPanel) done() {
	if p.Page != nil {
		p.Page.libraryDone()
	}
}

// OnMount loads the list.
func (p *LibraryPanel) OnMount(ctx app.Context) { p.refresh(ctx) }

// OnUpdate loads the list once the storage is open, when the panel was
// shown before it was.
func (p *LibraryPanel) OnUpdate(ctx app.Context) {
	if !p.loaded || p.loadedK != p.K {
		p.refresh(ctx)
	}
}

// refresh reads the list; asked while a read is in flight, it reads again
// once that one is in, so a read older than a write never has the last word.
func (p *LibraryPanel) refresh(ctx app.Context) {
	st := p.Store
	if st == nil {
		return
	}
	if p.loading {
		p.again = true
		return
	}
	p.loading, p.loadedK = true, p.K
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		good, bad, err := st.Scenarios(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			defer p.done()
			p.loaded, p.loading = true, false
			if err != nil {
				p.msg = "The library could not be read: " + err.Error()
			} else {
				p.list = good
				p.bad = p.bad[:0]
				for _, e := range bad {
					p.bad = append(p.bad, e.Error())
				}
			}
			if p.again {
				p.again = false
				p.refresh(ctx)
			}
		})
	})
}

// Render draws the library.
func (p *LibraryPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-library").Aria("label", "Scenario library")
	if p.C == nil || p.Store == nil {
		return sec.Body(app.H2().Text("Library"), app.P().Class("muted").Text("Opening the browser's storage…"))
	}
	name := p.saveName()
	var rows []app.UI
	for _, s := range p.list {
		id := s.ID
		when := time.UnixMilli(s.Modified).UTC().Format("2006-01-02 15:04:05 UTC")
		var actions []app.UI
		switch {
		case p.renaming == id:
			actions = append(actions,
				app.Input().Value(p.rename).Aria("label", "New name").DataSet("testid", "library-rename-name").OnInput(onRow("rename-input", id, p.onRenameInput)),
				app.Button().DataSet("testid", "library-rename-do").Text("Rename").OnClick(onRow("rename-do", id, p.doRename)),
				app.Button().Text("Cancel").OnClick(onRow("rename-cancel", id, p.cancelRename)))
		case p.confirm == id:
			actions = append(actions,
				app.Span().Text("Delete “"+s.Name+"” for good?"),
				app.Button().DataSet("testid", "library-confirm-delete").Text("Delete").OnClick(onRow("delete-do", id, p.doDelete)),
				app.Button().Text("Keep it").OnClick(onRow("delete-cancel", id, p.cancelDelete)))
		default:
			actions = append(actions,
				app.Button().DataSet("testid", "library-open").Text("Open").OnClick(onRow("open", id, p.open)),
				app.Button().DataSet("testid", "library-rename").Text("Rename").OnClick(onRow("rename", id, p.startRename)),
				app.Button().DataSet("testid", "library-duplicate").Text("Duplicate").OnClick(onRow("duplicate", id, p.duplicate)),
				app.Button().DataSet("testid", "library-delete").Text("Delete").OnClick(onRow("delete", id, p.askDelete)))
		}
		var kind app.UI = app.Text("")
		if s.Compare != "" {
			kind = app.Span().Class("library-kind").DataSet("testid", "library-kind").Title("Opens in the Compare tab; the session stays as it is").Text(" comparison")
		}
		rows = append(rows, app.Li().Class("library-item").DataSet("testid", "library-item").DataSet("name", s.Name).DataSet("id", id).DataSet("kind", kindOf(s)).Body(
			app.Strong().Text(s.Name), kind, app.Span().Class("muted").Text(" saved "+when),
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
	kind := p.Store.Kind()
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

// kindOf is an entry's kind: "comparison" or "scenario".
func kindOf(s storage.SavedScenario) string {
	if s.Compare != "" {
		return "comparison"
	}
	return "scenario"
}

// newID is a new entry's ID: "s-" and 16 random hex digits, from the
// runtime's randomly seeded generator (unique, not secret: crypto/rand would
// bring its DRBG and AES into the page).
func newID() string {
	return fmt.Sprintf("s-%016x", rand.Uint64())
}

// onSave saves the current run: over the entry it came from (if that is
// the name), else as a new entry, which the session then belongs to. A
// write that lost a race with another tab says so and keeps both.
func (p *LibraryPanel) onSave(ctx app.Context, e app.Event) {
	data, err := p.C.scenarioJSON()
	if err != nil {
		p.msg = err.Error()
		return
	}
	name := p.saveName()
	rec := storage.SavedScenario{ID: newID(), Name: name, Scenario: data}
	if s, ok := p.find(p.C.SavedID()); ok && s.Name == name {
		rec.ID, rec.Rev = s.ID, p.C.SavedRev()
	}
	p.put(ctx, rec, true, "Saved “"+name+"”.")
}

// saveName is the name Save uses: the one typed, else the library entry
// the session came from, else the scenario's.
func (p *LibraryPanel) saveName() string {
	if p.name != "" {
		return p.name
	}
	if s, ok := p.find(p.C.SavedID()); ok {
		return s.Name
	}
	return p.C.savedName()
}

// find is the library entry id as last read or written here.
func (p *LibraryPanel) find(id string) (storage.SavedScenario, bool) {
	if id == "" {
		return storage.SavedScenario{}, false
	}
	for _, s := range p.list {
		if s.ID == id {
			return s, true
		}
	}
	return storage.SavedScenario{}, false
}

// remember puts a record just written into the list, so that the rows act
// on it before the list is read again.
func (p *LibraryPanel) remember(s storage.SavedScenario) {
	i := slices.IndexFunc(p.list, func(x storage.SavedScenario) bool { return x.ID == s.ID })
	if i < 0 {
		p.list = append(p.list, s)
	} else {
		p.list[i] = s
	}
	storage.SortSaved(p.list)
}

// put writes rec; session says it is the running session being saved,
// which from then on belongs to it.
func (p *LibraryPanel) put(ctx app.Context, rec storage.SavedScenario, session bool, ok string) {
	st := p.Store
	c := p.C
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		got, err := st.PutScenario(ctx, rec)
		ctx.Dispatch(func(ctx app.Context) {
			defer p.done()
			switch {
			case err == nil:
				p.msg = ok
				p.remember(got)
				c.Saved(got, session)
			default:
				p.msg = "Not saved: " + err.Error()
			}
			p.refresh(ctx)
		})
	})
}

// missing says that a row's entry is gone (deleted in another tab).
func (p *LibraryPanel) missing() { p.msg = "That scenario is no longer in the library." }

func (p *LibraryPanel) onRenameInput(ctx app.Context, id string) {
	p.rename = ctx.JSSrc().Get("value").String()
}

func (p *LibraryPanel) startRename(ctx app.Context, id string) {
	s, ok := p.find(id)
	if !ok {
		p.missing()
		return
	}
	p.renaming, p.rename, p.confirm = id, s.Name, ""
}

func (p *LibraryPanel) cancelRename(ctx app.Context, id string) { p.renaming = "" }

func (p *LibraryPanel) doRename(ctx app.Context, id string) {
	p.renaming = ""
	s, ok := p.find(id)
	switch {
	case !ok:
		p.missing()
		return
	case p.rename == "" || p.rename == s.Name:
		return
	}
	s.Name = p.rename
	p.put(ctx, s, false, "Renamed to “"+s.Name+"”.")
}

// duplicate copies an entry as it stands, named after its current name.
func (p *LibraryPanel) duplicate(ctx app.Context, id string) {
	s, ok := p.find(id)
	if !ok {
		p.missing()
		return
	}
	d := storage.SavedScenario{ID: newID(), Name: s.Name + " (copy)", Scenario: s.Scenario, Compare: s.Compare}
	p.put(ctx, d, false, "Duplicated as “"+d.Name+"”.")
}

func (p *LibraryPanel) askDelete(ctx app.Context, id string)    { p.confirm, p.renaming = id, "" }
func (p *LibraryPanel) cancelDelete(ctx app.Context, id string) { p.confirm = "" }

func (p *LibraryPanel) doDelete(ctx app.Context, id string) {
	p.confirm = ""
	s, ok := p.find(id)
	if !ok {
		p.missing()
		return
	}
	st := p.Store
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		err := st.DeleteScenario(ctx, s.ID)
		ctx.Dispatch(func(ctx app.Context) {
			defer p.done()
			if err != nil {
				p.msg = "Not deleted: " + err.Error()
			} else {
				p.msg = "Deleted “" + s.Name + "”."
				p.list = slices.DeleteFunc(p.list, func(x storage.SavedScenario) bool { return x.ID == s.ID })
			}
			p.refresh(ctx)
		})
	})
}

// open makes a saved entry the session, as it was last saved: the
// library is read again first, since another tab may have saved it since
// this one last looked.
func (p *LibraryPanel) open(ctx app.Context, id string) {
	st := p.Store
	if st == nil {
		return
	}
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		good, _, err := st.Scenarios(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			defer p.done()
			if err != nil {
				p.msg = "The library could not be read: " + err.Error()
				return
			}
			p.list = good
			s, ok := p.find(id)
			if !ok {
				p.missing()
				return
			}
			if s.Compare != "" {
				p.openComparison(s)
				return
			}
			replaceWith(p.Page, ctx, "opening “"+s.Name+"”", func(ctx app.Context) { p.openSaved(s) })
		})
	})
}

// openSaved makes s the session, at the tick it was saved.
func (p *LibraryPanel) openSaved(s storage.SavedScenario) {
	sc, err := scenario.Parse(s.Name, s.Scenario)
	if err == nil {
		err = p.C.Resume(&storage.Session{Scenario: s.Scenario, Now: -1, SavedID: s.ID, SavedRev: s.Rev})
	}
	if err != nil {
		p.C.SetErr("“" + s.Name + "” could not be opened: " + err.Error())
		return
	}
	p.C.Saved(s, true) // opened as saved: unchanged, it has nothing unsaved
	p.name = ""
	p.msg = fmt.Sprintf("Opened “%s” at tick %d.", s.Name, sc.At)
}

// openComparison opens a comparison's entry in the Compare tab; the
// session stays as it is.
func (p *LibraryPanel) openComparison(s storage.SavedScenario) {
	err := errors.New("comparisons open in the page only")
	if p.Page != nil {
		err = p.Page.openComparisonEntry(s.Compare)
	}
	if err != nil {
		p.msg = "“" + s.Name + "” could not be opened: " + err.Error()
		return
	}
	p.msg = "Opened the comparison “" + s.Name + "” in the Compare tab."
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
	Compare  string          `json:"compare,omitempty"` // a comparison's link (s3.…)
}

func (p *LibraryPanel) onExport(ctx app.Context, e app.Event) {
	data, err := exportLibrary(p.list)
	if err != nil {
		p.msg = err.Error()
		return
	}
	Download("cloudchamber-library.json", "application/json", data)
}

// exportLibrary is the library file of entries: format 1 (what builds
// from before comparisons in the library read) unless an entry is a
// comparison, then 2 (a "compare" link beside its scenario), which such
// a build refuses as a whole, saying so.
func exportLibrary(list []storage.SavedScenario) ([]byte, error) {
	f := libraryFile{Format: 1}
	for _, s := range list {
		f.Scenarios = append(f.Scenarios, libraryFileItem{Name: s.Name, Modified: s.Modified, Scenario: s.Scenario, Compare: s.Compare})
		if s.Compare != "" {
			f.Format = 2
		}
	}
	return json.MarshalIndent(f, "", "  ")
}

// ParseLibrary reads an exported library file; every scenario in it must
// parse, or nothing is imported. The file is read strictly (core/strictjson),
// and an error in one of its scenarios is located in the file:
// "lib.json:12:5: scenarios[1].scenario.seed: repeats the key of line 11, column 5".
func ParseLibrary(name string, data []byte) ([]storage.SavedScenario, error) {
	var f libraryFile
	if err := strictjson.Decode(name, data, &f); err != nil {
		return nil, err
	}
	if f.Format != 1 && f.Format != 2 {
		return nil, strictjson.PlaceAt(name, data, "format", fmt.Sprintf("library format %d is not one this build reads (1 or 2)", f.Format), nil)
	}
	var out []storage.SavedScenario
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
		if it.Compare != "" {
			if f.Format < 2 {
				return nil, strictjson.PlaceAt(name, data, fmt.Sprintf("scenarios[%d].compare", i), "a comparison needs library format 2", nil)
			}
			if _, _, err := OpenCompareLink(it.Compare); err != nil {
				return nil, strictjson.PlaceAt(name, data, fmt.Sprintf("scenarios[%d].compare", i), "not a comparison's link: "+err.Error(), nil)
			}
		}
		canon, _ := scenario.Marshal(sc)
		out = append(out, storage.SavedScenario{ID: newID(), Name: it.Name, Scenario: canon, Compare: it.Compare})
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
		st := p.Store
		ctx = p.lasting(ctx)
		ctx.Async(func() {
			n := 0
			var firstErr error
			for _, it := range items {
				if _, err := st.PutScenario(ctx, it); err != nil && firstErr == nil {
					firstErr = err
				} else if err == nil {
					n++
				}
			}
			ctx.Dispatch(func(ctx app.Context) {
				defer p.done()
				p.msg = fmt.Sprintf("Imported %s from %s.", plural(n, "scenario"), name)
				if firstErr != nil {
					p.msg += " Some were not: " + firstErr.Error()
				}
				p.refresh(ctx)
			})
		})
	})
}
