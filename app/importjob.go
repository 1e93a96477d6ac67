package app

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// errImportCancelled is what a cancelled import stops with.
var errImportCancelled = errors.New("cancelled")

// importSliceMs is how long an import works before it lets the page draw
// a frame (milliseconds of wall time). Every step of an import is cut:
// reading (inventory.ParsePaced), the inventory's JSON for autosave
// (keepJSON), building the world with its identity, hashed from that JSON
// (sim.WithYield, sim.WithKeptJSON), and the first snapshot (snapshot);
// opening the built world as the session then only installs it (README,
// "Large imports").
const importSliceMs = 40

// importJob is an import that reads a file and builds its world off the
// UI goroutine, in slices of about importSliceMs between frames, so that
// the page stays responsive; it shows how far it got (done of total in
// the phase named by what) and can be cancelled. Nothing of the page
// changes until it is done: the world it built is then handed to the UI
// goroutine, which opens it as the session. Its fields are written by the
// import's goroutine and read by the UI goroutine through the progress it
// dispatches, except cancelled.
type importJob struct {
	name      string      // the file's name
	cancelled atomic.Bool // set by the UI goroutine (Cancel)
	handed    atomic.Bool // the world is the session's: its yields no longer wait for frames
	sliceFrom float64     // when the current slice began (ms, nowMs)
	progress  func(what string, done, total int)
	enc       scenario.Encoder // the built scenario's inline inventory, encoded in slices for the session (keepJSON)
	snap      []byte           // the built world's snapshot, taken in slices for the session's time travel (snapshot)
	stage     func() error     // how the world's yields pace once it is built (nil: as "Building")
}

// importProgress is what the page shows of a running import.
type importProgress struct {
	Name        string
	What        string // the phase: "Reading", "Building", "Preparing" (the session's JSON of the inventory)
	Done, Total int    // how far in the phase; Total 0 when it is not known
}

// Cancel stops the import at its next slice; nothing changes.
func (j *importJob) Cancel() { j.cancelled.Store(true) }

// pace ends the slice when it has lasted importSliceMs: it reports the
// progress and waits for a frame. It returns errImportCancelled once the
// import is cancelled.
func (j *importJob) pace(what string, done, total int) error {
	if j.cancelled.Load() {
		return errImportCancelled
	}
	if nowMs()-j.sliceFrom < importSliceMs {
		return nil
	}
	j.progress(what, done, total)
	waitFrame()
	j.sliceFrom = nowMs()
	if j.cancelled.Load() {
		return errImportCancelled
	}
	return nil
}

// worldYield is the yield of the world the job builds (sim.WithYield),
// called every yieldEvery events or records: while the job runs it paces
// the build, counting its yields, and stops it by panicking
// with errImportCancelled (build recovers it); once the world is the
// session's it only lets the garbage collector run.
func (j *importJob) worldYield() func() {
	n := 0
	return func() {
		if j.handed.Load() {
			runtime.Gosched()
			return
		}
		var err error
		if j.stage != nil {
			err = j.stage()
		} else {
			n++
			err = j.pace("Building", n, 0)
		}
		if err != nil {
			panic(err)
		}
		runtime.Gosched()
	}
}

// build builds sc's world with the job's pacing; a cancelled job gives
// errImportCancelled and no world. When keepJSON has kept sc's inline
// inventory's JSON, the world's identity is hashed from it rather than
// from the inventory encoded anew.
func (j *importJob) build(sc *scenario.Scenario) (w *sim.World, err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != errImportCancelled { //nolint:errorlint // the value panicked, not a wrapped error
				panic(r)
			}
			w, err = nil, errImportCancelled
		}
	}()
	return sim.New(sc, sim.WithYield(yieldEvery, j.worldYield()), sim.WithKeptJSON(&j.enc))
}

// keepJSON encodes sc's inline inventory (if any) for the session the
// world opens as, a rack at a time with the job's pacing, so that its
// first autosave does not encode it in one piece (20 MB of JSON at 50,000
// blades); build then hashes the world's identity from it. A cancelled
// job gives errImportCancelled.
func (j *importJob) keepJSON(sc *scenario.Scenario) (err error) {
	def := sc.Inventory.Definition
	if def == nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			if r != errImportCancelled { //nolint:errorlint // the value panicked, not a wrapped error
				panic(r)
			}
			j.enc, err = scenario.Encoder{}, errImportCancelled
		}
	}()
	racks, done := def.Counts().Racks, 0
	j.progress("Preparing", 0, racks)
	return j.enc.Keep(def, func() {
		done++
		if err := j.pace("Preparing", done, racks); err != nil {
			panic(err)
		}
	})
}

// snapshot takes w's snapshot for the session it opens as, in slices (w
// yields to the job as it writes); a cancelled job gives
// errImportCancelled.
func (j *importJob) snapshot(w *sim.World) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != errImportCancelled { //nolint:errorlint // the value panicked, not a wrapped error
				panic(r)
			}
			j.snap, err = nil, errImportCancelled
		}
	}()
	racks := w.Hardware().NumRacks()
	j.stage = func() error { return j.pace("Preparing", racks, racks) } // the inventory's JSON was done before the build
	defer func() { j.stage = nil }()
	if w.Halted() == nil { // a halted world has none (Session.maybeSnapshot)
		j.snap = w.Snapshot()
	}
	return nil
}

// prepare runs an import's steps, on its goroutine: the scenario
// scenarioOf makes (whose errors name the file already, as a parser's
// located errors do: "inv.yaml:3:14: ..."), its inline inventory's JSON
// kept, its world built and its first snapshot taken, each failure of
// which is named by the file; errImportCancelled when cancelled.
func (j *importJob) prepare(scenarioOf func(j *importJob) (*scenario.Scenario, error)) (*scenario.Scenario, *sim.World, error) {
	sc, err := scenarioOf(j)
	if err != nil {
		return nil, nil, err
	}
	var w *sim.World
	err = j.keepJSON(sc)
	if err == nil {
		j.progress("Building", 0, 0)
		w, err = j.build(sc)
	}
	if err == nil {
		err = j.snapshot(w)
	}
	if err != nil && !errors.Is(err, errImportCancelled) {
		err = fmt.Errorf("%s: %w", j.name, err)
	}
	return sc, w, err
}

// startImport runs prepare (which reads the file and builds its world
// with the job's pacing) on its own goroutine and hands the result to
// done on the UI goroutine: the world, or the error that stopped it
// (errImportCancelled when cancelled). Progress is shown through show, on
// the UI goroutine.
func startImport(ctx app.Context, name string, show func(ctx app.Context, p importProgress),
	prepare func(j *importJob) (*scenario.Scenario, *sim.World, error),
	done func(ctx app.Context, j *importJob, sc *scenario.Scenario, w *sim.World, err error)) *importJob {
	j := &importJob{name: name}
	j.progress = func(what string, d, t int) {
		p := importProgress{Name: name, What: what, Done: d, Total: t}
		ctx.Dispatch(func(ctx app.Context) { show(ctx, p) })
	}
	ctx.Async(func() {
		j.sliceFrom = nowMs()
		sc, w, err := prepare(j)
		if err == nil && j.cancelled.Load() {
			sc, w, err = nil, nil, errImportCancelled
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err == nil && j.cancelled.Load() { // cancelled while the result was on its way
				sc, w, err = nil, nil, errImportCancelled
			}
			if w != nil {
				j.handed.Store(true)
			}
			done(ctx, j, sc, w, err)
		})
	})
	return j
}

// fileImport is the import of a scenario or inventory file (the Scenario
// panel's): the one running, if any, how far it got, and how the last one
// ended when it changed nothing (cancelled).
type fileImport struct {
	job  *importJob // nil: none running
	prog importProgress
	note string
}

// start imports the scenario file name of contents data, read whole (a
// YAML inventory goes through startPieces, which reads the file itself):
// its world built in slices (run); a file that cannot be read or built
// shows its located error.
func (fi *fileImport) start(ctx app.Context, page replacer, c *Controller, name string, data []byte) {
	fi.run(ctx, page, c, name, func(j *importJob) (*scenario.Scenario, error) {
		sc, err := importedScenario(name, data, func(done, total int) error { return j.pace("Reading", done, total) })
		data = nil // read: the world is built without the file's bytes alive
		return sc, err
	}, func(ctx app.Context, err error) { c.fail(err) }, func(ctx app.Context) { c.SetErr("") })
}

// startPieces imports the YAML inventory in file (a File) as start does,
// reading the file itself a piece at a time (readPieces) in the import's
// first slices, so that no one allocation holds it all; a file larger
// than an inventory may be is refused before it is read.
func (fi *fileImport) startPieces(ctx app.Context, page replacer, c *Controller, name string, file app.Value) {
	fi.run(ctx, page, c, name, func(j *importJob) (*scenario.Scenario, error) {
		if err := inventory.CheckSize(name, file.Get("size").Int()); err != nil {
			return nil, err
		}
		pieces, err := readPieces(file, func() error { return j.pace("Reading", 0, 0) })
		if errors.Is(err, errImportCancelled) {
			return nil, err
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err) // the browser's, which does not name it
		}
		sc, err := importedInventory(name, pieces, func(done, total int) error { return j.pace("Reading", done, total) })
		pieces = nil // read: the world is built without the file's bytes alive
		return sc, err
	}, func(ctx app.Context, err error) { c.fail(err) }, func(ctx app.Context) { c.SetErr("") })
}

// run imports the scenario scenarioOf makes (on the import's goroutine,
// pacing itself through the job it is given), building its world in
// slices between frames, and once built opens it as the session (kept in
// the library first when unsaved, through page), then calls opened. An
// import that fails calls failed with the error; like a cancelled one, it
// changes nothing: not the session, not the library, not what autosave
// writes. One import runs at a time.
func (fi *fileImport) run(ctx app.Context, page replacer, c *Controller, name string,
	scenarioOf func(j *importJob) (*scenario.Scenario, error), failed func(ctx app.Context, err error), opened func(ctx app.Context)) {
	if fi.job != nil {
		c.SetErr("An import is running: cancel it or wait for it before importing " + name + ".")
		return
	}
	fi.note, fi.prog = "", importProgress{Name: name, What: "Reading"}
	show := func(ctx app.Context, p importProgress) {
		if fi.job != nil {
			fi.prog = p // the panel's Progress prop: it alone redraws
		}
	}
	prepare := func(j *importJob) (*scenario.Scenario, *sim.World, error) { return j.prepare(scenarioOf) }
	fi.job = startImport(ctx, name, show, prepare, func(ctx app.Context, j *importJob, sc *scenario.Scenario, w *sim.World, err error) {
		fi.job = nil
		c.touch()
		switch {
		case errors.Is(err, errImportCancelled):
			fi.note = "The import of " + name + " was cancelled; nothing changed."
		case err != nil:
			failed(ctx, err)
		default:
			replaceWith(page, ctx, "importing "+name, func(ctx app.Context) {
				c.openImported(sc, w, &j.enc, j.snap)
				opened(ctx)
				notify(page, importedNote(name, c))
			})
		}
	})
	c.touch()
}

// importedNote is what the page says once the import of name opened as
// c's session: what it holds, as the trace import's status does.
func importedNote(name string, c *Controller) string {
	hw := c.World().Hardware()
	return fmt.Sprintf("Imported %s: %s in %s (%s), opened as a new, unsaved session.",
		name, plural(hw.NumBlades(), "blade"), plural(hw.NumRacks(), "rack"), plural(len(c.Zones()), "zone"))
}

// lastingCtx is the context for work that must outlive the component
// that starts it: the Shell's when r is the page's Shell.
func lastingCtx(r replacer, ctx app.Context) app.Context {
	if s, ok := r.(*Shell); ok && s != nil {
		return s.lasting(ctx)
	}
	return ctx
}

// importUI shows the running import (hook import-progress, carrying
// data-done and data-total: 0 of 0 while an inventory file's pieces are
// read and its lines counted, then lines read of the file's lines, racks
// of the inventory's JSON kept, then the build's yields with data-total 0, its
// length not known) with its Cancel (import-cancel),
// or how the last one ended (import-note).
func (p *ScenarioPanel) importUI() app.UI {
	fi := p.imports()
	if fi.job == nil {
		if fi.note == "" {
			return app.Text("")
		}
		return app.P().Class("import-note").DataSet("testid", "import-note").Attr("role", "status").Text(fi.note)
	}
	pr := fi.prog
	bar := app.Progress().Max(max(pr.Total, 1))
	text := "Reading " + pr.Name + "…"
	switch {
	case pr.What == "Reading" && pr.Total > 0:
		bar = bar.Value(pr.Done)
		text = fmt.Sprintf("Reading %s: line %s of %s", pr.Name, digits(pr.Done), digits(pr.Total))
	case pr.What == "Building":
		text = "Building the world of " + pr.Name + "…"
	case pr.What == "Preparing" && pr.Total > 0:
		bar = bar.Value(pr.Done)
		text = fmt.Sprintf("Preparing the session of %s: rack %s of %s", pr.Name, digits(pr.Done), digits(pr.Total))
	}
	if fi.job.cancelled.Load() {
		text = "Cancelling the import of " + pr.Name + "…"
	}
	return app.Div().Class("import-progress").DataSet("testid", "import-progress").DataSet("done", pr.Done).DataSet("total", pr.Total).
		Attr("role", "status").Body(
		bar,
		app.Span().Text(text),
		app.Button().DataSet("testid", "import-cancel").Text("Cancel").Title("Stop the import; nothing changes").
			Disabled(fi.job.cancelled.Load()).OnClick(p.onImportCancel),
	)
}
