package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// OpenStorage opens the browser's storage; the wasm entry point sets it to
// IndexedDB. When it is nil or fails, the page runs in memory and says so.
var OpenStorage func(ctx context.Context) (Storage, error)

// storageState is what the page knows about its storage.
type storageState struct {
	st      Storage
	note    string // shown to the user: "runs in memory", "closed", ...
	writing bool   // a write is in flight (writes are serialised)
	lastVer uint64
}

// autosaveEvery is how often (wall time) a changed session is written.
const autosaveEvery = 1500 * time.Millisecond

// openSession runs once the page is live: it opens the storage, then
// opens the link in the address if there is one, else resumes the saved
// session. It runs in a goroutine (storage calls block); changes to the
// page go through ctx.Dispatch.
func (s *Shell) openSession(ctx app.Context) {
	var st Storage
	note := ""
	if OpenStorage != nil {
		var err error
		octx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a blocked open falls back to memory
		st, err = OpenStorage(octx)
		cancel()
		if err != nil {
			note = "Browser storage is unavailable (" + err.Error() + "): the app runs in memory, and nothing is kept after a reload."
			st = nil
		}
	} else {
		note = "Browser storage is unavailable: the app runs in memory, and nothing is kept after a reload."
	}
	if st == nil {
		st = NewMemory(func() int64 { return time.Now().UnixMilli() })
	}
	persistStorage()
	var sess *Session
	var sessErr error
	if st.Kind() != "memory" {
		sess, sessErr = st.Session(context.Background())
	}
	frag := app.Window().Get("location").Get("hash").String()
	isLink := strings.HasPrefix(frag, "#s")
	kept := ""
	if isLink && sess != nil && sessErr == nil {
		// The link replaces the session: keep the session in the library
		// first, so nothing is lost.
		name := "session before a shared link, " + time.Now().UTC().Format("2006-01-02 15:04")
		if sc, err := scenario.Parse("session", sess.Scenario); err == nil {
			name = sc.Name + " (" + name + ")"
		}
		if _, err := st.PutScenario(context.Background(), SavedScenario{ID: newID(), Name: name, Scenario: sess.Scenario}); err == nil {
			kept = name
		} else {
			sessErr = fmt.Errorf("the current session could not be kept in the library (%v), so the link was not opened", err)
			isLink = false
		}
	}
	ctx.Dispatch(func(ctx app.Context) {
		s.store = &storageState{st: st, note: note}
		if sessErr != nil {
			s.c.SetErr("The saved session could not be read (" + sessErr.Error() + "); starting the default scenario.")
		}
		if sess != nil && sessErr == nil && !isLink {
			if err := s.c.Resume(sess); err != nil {
				s.c.SetErr("The saved session could not be resumed (" + err.Error() + "); starting the default scenario.")
			}
		}
		if isLink {
			s.openLink(frag, false)
			clearFragment()
			if kept != "" {
				s.notice += " Your previous session is in the library as “" + kept + "”."
			}
		}
		s.store.lastVer = s.c.Version()
		s.ready = true
		s.watchClosed(ctx)
	})
}

// openLink opens a shared link as a new, unsaved session. A link made by
// another engine is offered, not forced; a bad link is reported and the
// current session stays.
func (s *Shell) openLink(l string, anyway bool) {
	d, err := link.Decode(l, sim.EngineVersion)
	if err != nil && !(anyway && errors.Is(err, link.ErrOtherEngine)) {
		if errors.Is(err, link.ErrOtherEngine) {
			s.pendingLink = l
		}
		s.c.SetErr("This link could not be opened: " + err.Error())
		return
	}
	s.pendingLink = ""
	sc := d.Scenario
	base := sc.Clone()
	base.Commands, base.At = nil, 0
	c := s.c
	w, rerr := c.rebuild(base, sc.Commands, sc.At)
	if rerr != nil {
		c.SetErr("This link could not be opened: " + rerr.Error())
		return
	}
	c.sc = base
	c.snaps, c.savedID, c.savedRev = nil, "", 0
	c.install(w)
	c.afterRebuild(w)
	c.reached = sc.At
	c.maybeSnapshot()
	c.SetErr("")
	s.notice = fmt.Sprintf("Opened a shared link: %s at tick %d (a new, unsaved session; your library is unchanged).", base.Name, sc.At)
}

// ShareLink is the address that replays the current run.
func (c *Controller) ShareLink(origin string) (string, error) {
	l, err := link.Encode(c.world.Scenario(), sim.EngineVersion)
	if err != nil {
		return "", err
	}
	return origin + "#" + l, nil
}

// autosave writes the session when it changed, at most every
// autosaveEvery, one write at a time.
func (s *Shell) autosave(ctx app.Context) {
	ss := s.store
	if ss == nil || ss.writing || ss.st.Kind() == "memory" || s.c.Version() == ss.lastVer {
		return
	}
	sess, err := s.c.Session()
	if err != nil {
		s.c.SetErr("Autosave: " + err.Error())
		return
	}
	ss.writing, ss.lastVer = true, s.c.Version()
	ctx.Async(func() {
		err := ss.st.PutSession(context.Background(), sess)
		ctx.Dispatch(func(ctx app.Context) {
			ss.writing = false
			if err != nil {
				ss.note = "Autosave failed: " + err.Error()
				if errors.Is(err, ErrQuota) {
					ss.note = "Autosave failed: the browser's storage for this site is full. Nothing was half-written; free space by deleting saved scenarios, or export your work."
				}
				return
			}
			if strings.HasPrefix(ss.note, "Autosave failed") {
				ss.note = ""
			}
		})
	})
}

// clearFragment removes a link from the address bar once opened, so a
// reload resumes the session rather than reopening the link.
func clearFragment() {
	if !app.IsClient {
		return
	}
	loc := app.Window().Get("location")
	app.Window().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+loc.Get("search").String())
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

// savedName is the name to save the current run under.
func (c *Controller) savedName() string {
	if c.Base().Name == "" {
		return "untitled"
	}
	return c.Base().Name
}

// scenarioJSON is the canonical form of the run as it stands.
func (c *Controller) scenarioJSON() ([]byte, error) { return scenario.Marshal(c.world.Scenario()) }

// closedStorage is signalled when another tab or the browser closed the
// storage; the page then asks for a reload.
var closedStorage <-chan struct{}

// WatchClosed hands the page the storage's closed signal.
func WatchClosed(ch <-chan struct{}) { closedStorage = ch }

// watchClosed tells the user to reload once the storage is closed.
func (s *Shell) watchClosed(ctx app.Context) {
	ch := closedStorage
	if ch == nil {
		return
	}
	ctx.Async(func() {
		<-ch
		ctx.Dispatch(func(ctx app.Context) {
			if s.store != nil {
				s.store.note = "The browser storage was closed by another tab (probably a newer version of the app). Reload this page to keep saving; until then nothing more is saved."
				s.store.st = NewMemory(func() int64 { return 0 })
			}
		})
	})
}

// linkArrived opens a link pasted into the address bar of the running
// page (a hashchange): the running session is first kept in the library.
func (s *Shell) linkArrived(ctx app.Context, frag string) {
	if s.c == nil || s.store == nil || !strings.HasPrefix(frag, "#s") {
		return
	}
	clearFragment()
	data, err := s.c.scenarioJSON()
	if err != nil {
		s.c.SetErr(err.Error())
		return
	}
	name := s.c.savedName() + " (session before a shared link, " + time.Now().UTC().Format("2006-01-02 15:04") + ")"
	st := s.store.st
	ctx.Async(func() {
		_, err := st.PutScenario(context.Background(), SavedScenario{ID: newID(), Name: name, Scenario: data})
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				s.c.SetErr("The current session could not be kept in the library (" + err.Error() + "), so the link was not opened.")
				return
			}
			s.openLink(frag, false)
			s.notice += " Your previous session is in the library as “" + name + "”."
		})
	})
}
