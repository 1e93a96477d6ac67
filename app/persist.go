package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// storageState is what the page knows about its storage.
type storageState struct {
	st        storage.Storage
	note      string // shown to the user: "runs in memory", "closed", ...
	writing   bool   // a write is in flight (writes are serialised)
	lastVer   uint64 // the session's version last saved
	failedVer uint64 // the version whose save failed: tried again at the next change
	rev       int64  // the stored session's revision this tab's saves build on
	hold      bool   // a damaged session is being set aside: nothing writes over it meanwhile
	blocked   bool   // this tab does not save its session (note says why)
}

// autosaveEvery is how often (wall time) a changed session is written.
const autosaveEvery = 1500 * time.Millisecond

// openSession runs once the page is live: it opens the storage, then
// opens the link in the address if there is one, else resumes the saved
// session. It runs in a goroutine (storage calls block); changes to the
// page go through ctx.Dispatch.
func (s *Shell) openSession(ctx app.Context) {
	var st storage.Storage
	note := ""
	if s.opts.OpenStorage != nil {
		var err error
		octx, cancel := context.WithTimeout(ctx, 10*time.Second) // a blocked open falls back to memory
		st, err = s.opts.OpenStorage(octx)
		cancel()
		if err != nil {
			note = "Browser storage is unavailable (" + err.Error() + "): the app runs in memory, and nothing is kept after a reload."
			st = nil
		}
	} else {
		note = "Browser storage is unavailable: the app runs in memory, and nothing is kept after a reload."
	}
	if st == nil {
		st = storage.NewMemory(func() int64 { return time.Now().UnixMilli() })
	}
	persistStorage()
	var sess *storage.Session
	var sessErr error
	aside := "" // what became of a saved session that could not be read
	blocked := false
	if st.Kind() != "memory" {
		sess, sessErr = st.Session(ctx)
		if sessErr != nil && !errors.Is(sessErr, storage.ErrClosed) {
			// Never write over what could not be read: move it aside first.
			key, err := st.SetSessionAside(ctx)
			switch {
			case err != nil:
				aside = fmt.Sprintf("Your saved session could not be read (%v), nor set aside (%v). To keep it, this tab does not save its session.", sessErr, err)
				blocked = true
			case key != "":
				aside = fmt.Sprintf("Your saved session could not be read (%v). It is kept aside in this browser's storage as “%s”, not written over; this is a new session.", sessErr, key)
			}
			sess, sessErr = nil, nil
		}
	}
	frag := app.Window().Get("location").Get("hash").String()
	builtin := app.Window().URL().Query().Get("builtin")
	ctx.Dispatch(func(ctx app.Context) {
		s.store = &storageState{st: st, note: note, blocked: blocked}
		if sess != nil {
			s.store.rev = sess.Rev // this tab's saves build on the session it read, whether it resumes it or a link replaces it
		}
		if aside != "" {
			s.notice = aside
			if blocked {
				s.store.note = aside
			}
		}
		var kept []byte // the session a link or ?builtin replaces
		resume := func() {
			if sess == nil || sessErr != nil {
				return
			}
			s.resumeSaved(ctx, sess)
		}
		// finish makes the page ready. stored says whether the session
		// shown is the one in storage (resumed); one that replaced it (a
		// link, ?builtin=) is not stored yet, so the next autosave writes
		// it: a reload resumes what the page shows.
		finish := func(ctx app.Context, stored bool) {
			if sessErr != nil {
				s.c.SetErr("The saved session could not be read (" + sessErr.Error() + "); starting the default scenario.")
			}
			s.store.lastVer = s.c.Version()
			if !stored {
				s.store.lastVer = notStored
			}
			s.ready = true
			s.watchClosed(ctx)
		}
		if sess != nil && sessErr == nil {
			kept = sess.Scenario
		}
		first := s.firstVisit(ctx, sess == nil && sessErr == nil && aside == "", strings.HasPrefix(frag, "#"))
		switch {
		case strings.HasPrefix(frag, "#"+link.PrefixSweep): // a sweep's link opens in the Sweep tab; the session is as it was
			resume()
			s.openSweepLink(frag) // sweeplink.go
			finish(ctx, true)
		case strings.HasPrefix(frag, "#s"):
			sc, err := s.decodeLink(frag, false)
			if err != nil { // nothing changes: the session resumes, the link stays in the address
				resume()
				s.c.SetErr(err.Error())
				s.help = s.help || first // no shared run to keep in view
				finish(ctx, true)
				return
			}
			s.replaceSession(ctx, sc, kept, "a shared link", func(ctx app.Context, keptAs string, err error) {
				if err != nil {
					resume()
					s.c.SetErr("This link was not opened: " + err.Error())
				} else {
					s.notice = fmt.Sprintf("Opened a shared link: %s at tick %d (not in the library: the link opens it again; Save keeps it there).", sc.Name, sc.At) + keptNote(keptAs)
				}
				if first {
					s.notice += guideHint
				}
				finish(ctx, err != nil)
			})
		case builtin != "":
			sc, err := scenario.Builtin(builtin)
			if err != nil {
				resume()
				s.c.SetErr("The address asks for a built-in scenario (?builtin=" + builtin + ") that does not exist: " + err.Error() + ".")
				finish(ctx, true)
				return
			}
			s.openBuiltin(ctx, sc, kept, func(ctx app.Context, err error) {
				if err != nil {
					resume()
					s.c.SetErr("The built-in scenario " + sc.Name + " was not opened: " + err.Error())
				}
				finish(ctx, err != nil)
			})
		default:
			resume()
			finish(ctx, true)
		}
	})
}

// resumeSaved resumes the saved session. A session that resumes only in
// part (a damaged snapshot passed over: it replays from the scenario and
// its commands instead), or not at all (its scenario cannot be read, or
// replaying it fails or panics), is set aside in storage before anything
// is saved, and the page says so; it never shows the crash screen for it.
func (s *Shell) resumeSaved(ctx app.Context, sess *storage.Session) {
	skipped, err := s.c.resumeSafely(sess)
	if err == nil && len(skipped) == 0 {
		return
	}
	what := "Your saved session could not be resumed (" + fmt.Sprint(err) + "); this is the default scenario."
	if err == nil {
		what = fmt.Sprintf("Your saved session had a damaged snapshot (%v), so it was replayed from its scenario and commands instead, to the same tick.", skipped[0])
	}
	ss, st := s.store, s.store.st
	ss.hold = true
	s.notice = what + " Setting the damaged record aside…"
	ctx.Async(func() {
		key, aerr := st.SetSessionAside(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			ss.hold, ss.rev = false, 0
			switch {
			case aerr != nil:
				ss.blocked = true
				ss.note = what + " The damaged record could not be set aside (" + aerr.Error() + "), so this tab does not save its session, to keep it."
				s.notice = ""
			case key != "":
				s.notice = what + " The damaged record is kept aside in this browser's storage as “" + key + "”."
			default:
				s.notice = what
			}
		})
	})
}

// replacing runs replace, which replaces the page's session (opening a
// library entry, loading or importing a scenario, restarting it with other
// settings or rules), after keeping the session in the library if it has
// work the library does not hold, as links and resets do. If it cannot be
// kept, replace does not run, and the page says why. With no shell (tests)
// or no storage yet, replace runs at once.
func (s *Shell) replacing(ctx app.Context, why string, replace func(ctx app.Context)) {
	if s == nil || s.store == nil || !s.c.Unsaved() {
		if s != nil {
			s.notice = "" // what it said was of the session replaced
		}
		replace(ctx) // may say what it opened (notify)
		return
	}
	data, err := s.c.runJSON()
	if err != nil {
		s.c.SetErr(err.Error())
		return
	}
	s.keep(data, "session before "+why, func(ctx app.Context, keptAs string, err error) {
		if err != nil {
			s.c.SetErr("The current session could not be kept in the library (" + err.Error() + "), so it stays open.")
			return
		}
		s.notice = ""
		replace(ctx) // may say what it opened (notify)
		s.notice = strings.TrimSpace(s.notice + keptNote(keptAs))
	})
}

// notify shows text in the page's notice (the one shared links and
// built-ins opened say what they did in), replacing what it said.
func (s *Shell) notify(text string) { s.notice = text }

// replacer keeps the session that something replaces (the Shell), and
// says what replaced it in the page's notice.
type replacer interface {
	replacing(ctx app.Context, why string, replace func(ctx app.Context))
	notify(text string)
}

// notify shows text in r's notice; without one (tests) it does nothing.
func notify(r replacer, text string) {
	if r != nil {
		r.notify(text)
	}
}

// replaceWith runs replace through r, which keeps the session first
// (Shell.replacing), or at once without one (tests).
func replaceWith(r replacer, ctx app.Context, why string, replace func(ctx app.Context)) {
	if r == nil {
		replace(ctx)
		return
	}
	r.replacing(ctx, why, replace)
}

// lasting is the context for storage work a component started: the
// shell's, whose element lives as long as the page, once it is mounted
// (libraryPage).
func (s *Shell) lasting(ctx app.Context) app.Context {
	if s.mounted {
		return s.ctx
	}
	return ctx
}

// libraryDone is a new library version for the library panel (libraryPage).
func (s *Shell) libraryDone() { s.libV++ }

// keptNote tells where the replaced session went.
func keptNote(keptAs string) string {
	if keptAs == "" {
		return ""
	}
	return " Your previous session is in the library as “" + keptAs + "”."
}

// decodeLink reads a shared link, touching nothing. A link made by another
// engine is offered (anyway opens it).
func (s *Shell) decodeLink(l string, anyway bool) (*scenario.Scenario, error) {
	d, err := link.Decode(l, sim.EngineVersion)
	if err != nil && !(anyway && errors.Is(err, link.ErrOtherEngine)) {
		if errors.Is(err, link.ErrOtherEngine) {
			s.pendingLink = l
		}
		return nil, fmt.Errorf("This link could not be opened, and nothing was changed: %w", err)
	}
	s.pendingLink = ""
	return d.Scenario, nil
}

// replaceSession opens sc (with its commands, at its tick) as a new,
// unsaved session. It is replayed aside first, between frames, with
// progress and a Cancel (a link can ask for a long run); meanwhile the
// page's session stays as it is. Then the session it replaces (kept: its
// scenario, nil for none) goes into the library, named for what replaced
// it (why), and sc takes its place. If sc does not replay, the replay is
// cancelled, or the old session cannot be kept, nothing changes. done runs
// on the UI goroutine with the name the old session was kept under (""
// for none) and the error.
func (s *Shell) replaceSession(ctx app.Context, sc *scenario.Scenario, kept []byte, why string, done func(ctx app.Context, keptAs string, err error)) {
	r, err := startReplay(sc, nil, sc.Commands, sc.At)
	if err != nil {
		done(ctx, "", err)
		return
	}
	if s.opening != nil {
		s.cancelOpening(ctx) // the newer request wins
	}
	s.c.Pause()
	s.opening = &opening{r: r, what: strings.TrimPrefix(why, "the "), done: func(ctx app.Context, err error) {
		if err != nil {
			done(ctx, "", err)
			return
		}
		w, future := r.finish()
		open := func(ctx app.Context, keptAs string) {
			s.c.openNew(sc, w, future)
			clearAddress()
			done(ctx, keptAs, nil)
		}
		if kept == nil {
			open(ctx, "")
			return
		}
		s.keep(kept, "session before "+why, func(ctx app.Context, keptAs string, err error) {
			if err != nil {
				done(ctx, "", fmt.Errorf("the current session could not be kept in the library (%v), so it stays open", err))
				return
			}
			open(ctx, keptAs)
		})
	}}
	if !app.IsClient {
		s.advanceOpening(ctx, math.Inf(1), func() float64 { return 0 }) // natively (tests) there are no frames
	}
}

// openBuiltin opens the built-in scenario sc as a new session (?builtin=,
// the guide's stories), keeping kept (the session it replaces, nil for
// none) in the library first; done gets the error when nothing changed.
func (s *Shell) openBuiltin(ctx app.Context, sc *scenario.Scenario, kept []byte, done func(ctx app.Context, err error)) {
	s.replaceSession(ctx, sc, kept, "the built-in "+sc.Name, func(ctx app.Context, keptAs string, err error) {
		if err == nil {
			s.notice = "Opened the built-in scenario " + sc.Name + " (not in the library: it opens again from the guide or the Scenario panel; Save keeps it there)." + keptNote(keptAs)
		}
		done(ctx, err)
	})
}

// opening is a session being replayed aside (replaceSession).
type opening struct {
	r    *replay
	what string // "a shared link", "built-in standard"
	done func(ctx app.Context, err error)
}

// errCancelled is how a cancelled opening ends.
var errCancelled = errors.New("cancelled: nothing was changed")

// advanceOpening replays the opening session on within the frame's
// budget, and completes it when it is done.
func (s *Shell) advanceOpening(ctx app.Context, budgetMs float64, clockMs func() float64) {
	o := s.opening
	start := clockMs()
	done, err := o.r.advance(func() bool { return clockMs()-start < budgetMs }, func() float64 { return clockMs() - start }, budgetMs)
	if !done && err == nil {
		return
	}
	s.opening = nil
	o.done(ctx, err)
}

// cancelOpening drops the session being replayed; the page's stays.
func (s *Shell) cancelOpening(ctx app.Context) {
	if o := s.opening; o != nil {
		s.opening = nil
		o.done(ctx, errCancelled)
	}
}

// keep files a session (its scenario) in the library as a new entry named
// after its scenario and why, then calls done on the UI goroutine. It
// works in the shell's context: a dialog's button that asked for it may be
// gone by then, and go-app drops what is dispatched for an element no
// longer mounted.
func (s *Shell) keep(data []byte, why string, done func(ctx app.Context, keptAs string, err error)) {
	ctx := s.ctx
	name := why + ", " + time.Now().UTC().Format("2006-01-02 15:04")
	if n, ok := scenarioName(data); ok {
		name = n + " (" + name + ")"
	}
	if s.store == nil {
		done(ctx, "", errors.New("the browser's storage is not open yet"))
		return
	}
	st := s.store.st
	ctx.Async(func() {
		_, err := st.PutScenario(ctx, storage.SavedScenario{ID: newID(), Name: name, Scenario: data})
		ctx.Dispatch(func(ctx app.Context) {
			if err == nil {
				s.kept++ // the library panel, if shown, reads the list again
			}
			done(ctx, name, err)
		})
	})
}

// scenarioName is the "name" of a session's scenario JSON, as the page
// writes it (scenario.Marshal: the name second, after the format), read
// from its first tokens: the whole JSON of a large session (25 MB at
// 50,000 blades) is neither decoded nor scanned, as scenario.Parse would,
// on the UI goroutine. False when the JSON does not begin as an object
// whose name comes before any other object or array.
func scenarioName(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", false
		}
		val, err := dec.Token()
		if err != nil {
			return "", false
		}
		if _, nested := val.(json.Delim); nested {
			return "", false // the inventory and the rest come after the name
		}
		if k, _ := key.(string); strings.EqualFold(k, "name") {
			name, ok := val.(string)
			return name, ok
		}
	}
	return "", false
}

// openLinkKeeping opens a link into the running page: decoded first, the
// running session kept in the library, then replaced. A link that cannot
// be opened changes nothing.
func (s *Shell) openLinkKeeping(ctx app.Context, l string, anyway bool) {
	sc, err := s.decodeLink(l, anyway)
	if err != nil {
		s.c.SetErr(err.Error())
		return
	}
	var data []byte // the session to keep: none when nothing would be lost
	if s.c.Unsaved() {
		if data, err = s.c.runJSON(); err != nil {
			s.c.SetErr(err.Error())
			return
		}
	}
	s.c.Pause()
	s.replaceSession(ctx, sc, data, "a shared link", func(ctx app.Context, keptAs string, err error) {
		if err != nil {
			s.c.SetErr("This link was not opened: " + err.Error())
			return
		}
		s.c.SetErr("")
		s.notice = fmt.Sprintf("Opened a shared link: %s at tick %d (not in the library: the link opens it again; Save keeps it there).", sc.Name, sc.At) + keptNote(keptAs)
	})
}

// onOpenAnyway opens the link made by another engine the page offered.
func (s *Shell) onOpenAnyway(ctx app.Context, e app.Event) {
	if l := s.pendingLink; l != "" && s.c != nil {
		s.openLinkKeeping(ctx, l, true)
	}
}

// notStored is the last saved version of a session nothing of which is
// stored yet: no version is ever this one, so autosave writes it.
const notStored = ^uint64(0)

// autosave writes the session when it changed, at most every
// autosaveEvery, one write at a time, on top of the revision this tab
// last read or wrote. A failed write is shown as "not saved" and tried
// again at the next change; a write refused because another tab saved its
// session since stops this tab's saving, and the page says so.
func (s *Shell) autosave(ctx app.Context) {
	ss := s.store
	ver := s.c.Version()
	if ss == nil || ss.writing || ss.hold || ss.blocked || ss.st.Kind() == "memory" || ver == ss.lastVer || ver == ss.failedVer || s.opening != nil {
		return
	}
	sess, err := s.c.Record()
	if err != nil {
		s.c.SetErr("Autosave: " + err.Error())
		return
	}
	sess.Rev = ss.rev
	ss.writing = true
	ctx.Async(func() {
		rec := sess
		sess = nil // the storage holds the record's bytes only until it has them in hand (20 MB at 50,000 blades), not this closure
		rev, err := ss.st.PutSession(ctx, rec)
		ctx.Dispatch(func(ctx app.Context) {
			ss.writing = false
			switch {
			case err == nil:
				ss.rev, ss.lastVer, ss.failedVer = rev, ver, 0
				if strings.HasPrefix(ss.note, "Not saved") {
					ss.note = ""
				}
			case errors.Is(err, storage.ErrConflict), errors.Is(err, storage.ErrUnreadable):
				ss.blocked = true
				ss.note = "Not saved: another tab has saved its session since this one opened it, so this tab no longer saves (it would write over that work). " +
					"Save this run to the library to keep it, or reload to continue the other tab's session."
				if errors.Is(err, storage.ErrUnreadable) {
					ss.note = "Not saved: the session in storage cannot be read, so this tab does not write over it. Save this run to the library to keep it."
				}
			case errors.Is(err, storage.ErrQuota):
				ss.failedVer = ver
				ss.note = "Not saved: the browser's storage for this site is full. Nothing was half-written; free space by deleting saved scenarios, or export your work. Saving is tried again at the next change."
			default:
				ss.failedVer = ver
				ss.note = "Not saved: " + err.Error() + ". Saving is tried again at the next change."
			}
		})
	})
}

// clearAddress leaves the page's path alone in the address bar once a
// session opened in place of the one there was (a link's #s…, a
// ?builtin=, a story of the guide, a damaged link or an unknown built-in
// still there from before): however it was opened, the address is the
// same, and a reload resumes the session rather than opening anything
// again.
func clearAddress() {
	if !app.IsClient {
		return
	}
	app.Window().Get("history").Call("replaceState", nil, "", app.Window().Get("location").Get("pathname").String())
}

// persistStorage asks the browser not to evict the site's storage.
func persistStorage() {
	if !app.IsClient {
		return
	}
	st := app.Window().Get("navigator").Get("storage")
	if st.Truthy() && st.Get("persist").Truthy() {
		st.Call("persist")
	}
}

// watchClosed tells the user to reload once the storage is closed under
// the page (storage.Storage.Closed).
func (s *Shell) watchClosed(ctx app.Context) {
	ch := s.store.st.Closed()
	if ch == nil {
		return
	}
	ctx.Async(func() {
		select {
		case <-ch:
		case <-ctx.Done(): // the page is gone
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			if s.store != nil {
				s.store.note = "The browser storage was closed by another tab (probably a newer version of the app). Reload this page to keep saving; until then nothing more is saved."
				s.store.st = storage.NewMemory(func() int64 { return 0 })
			}
		})
	})
}

// linkArrived opens a link pasted into the address bar of the running
// page (a hashchange).
func (s *Shell) linkArrived(ctx app.Context, frag string) {
	if s.c == nil || s.store == nil || !strings.HasPrefix(frag, "#s") {
		return
	}
	if strings.HasPrefix(frag, "#s3.") {
		s.openComparisonLink(frag) // compare_page.go
	}
	if strings.HasPrefix(frag, "#"+link.PrefixSweep) {
		s.openSweepLink(frag) // sweeplink.go; the session is as it was
		return
	}
	s.openLinkKeeping(ctx, frag, false)
}
