package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The Shell keeps the comparison the Compare tab started: it runs it in
// the frame loop and keeps it across reloads, in the form of its link
// (link.EncodeCompare) under compareKey in the browser's local storage,
// written whenever it changed and no run-to is under way. A comparison's
// link (#s3.…), in the address at load or pasted into the running page,
// opens that comparison in the Compare tab (the main session opens the
// link's scenario, as for any link); at a load without one, the saved
// comparison is reopened. Either replays in frames to the link's tick.

// compareKey is the local-storage key of the comparison's link.
const compareKey = "cc-compare"

func (s *Shell) comparison() *Compare { return s.cmp }

// setComparison replaces the comparison; the next frame saves it.
func (s *Shell) setComparison(c *Compare) {
	s.cmp = c
	s.cmpSaved = 0
}

// openComparison runs when the page mounts: the comparison in the
// address, if it has one, else the one saved before a reload.
func (s *Shell) openComparison(ctx app.Context) {
	frag := app.Window().Get("location").Get("hash").String()
	if strings.HasPrefix(frag, "#s3.") {
		s.openComparisonLink(frag)
		return
	}
	var l string
	if err := ctx.LocalStorage().Get(compareKey, &l); err != nil || l == "" {
		return
	}
	if c, at, err := OpenCompareLink(l); err == nil && c.Start(at) == nil {
		s.cmp = c
	}
}

// openComparisonLink opens a comparison's link (#s3.…) in the Compare
// tab, replacing the comparison there; it replays in frames to the link's
// tick. A link that cannot be opened changes nothing, and says why.
func (s *Shell) openComparisonLink(frag string) {
	if err := s.openComparisonEntry(frag); err != nil {
		s.notice = "The comparison in this link could not be opened: " + err.Error()
	}
}

// openComparisonEntry opens a comparison's link (a library entry's, or
// the address's) in the Compare tab, replacing the comparison there, and
// shows the tab; it replays in frames to the link's tick. An error
// changes nothing.
func (s *Shell) openComparisonEntry(l string) error {
	c, at, err := OpenCompareLink(l)
	if err == nil {
		err = c.Start(at)
	}
	if err != nil {
		return err
	}
	s.setComparison(c)
	s.cmpNote = ""
	s.tab = "compare"
	return nil
}

// saveComparison files c in the library as a new entry named name (its
// link and scenario: comparisonEntry); the note says how it went.
func (s *Shell) saveComparison(name string, c *Compare) {
	rec, err := comparisonEntry(name, c)
	switch {
	case err != nil:
	case s.store == nil || s.ctx.Src() == nil:
		err = errors.New("the browser's storage is not open yet")
	}
	if err != nil {
		s.cmpNote = "Not saved: " + err.Error()
		return
	}
	st, ctx := s.store.st, s.ctx
	s.cmpNote = "Saving…"
	ctx.Async(func() {
		_, err := st.PutScenario(ctx, rec)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				s.cmpNote = "Not saved: " + err.Error()
				return
			}
			s.kept++ // the library panel, if shown, reads the list again
			s.cmpNote = fmt.Sprintf("Saved “%s” in the library, at t=%d (the Library tab opens it here again).", name, c.Now())
		})
	})
}

// comparisonEntry is c as a library entry named name: its link (which
// reopens it, at its tick) and its scenario (what its variants start
// from, with the commands given and the tick reached).
func comparisonEntry(name string, c *Compare) (storage.SavedScenario, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return storage.SavedScenario{}, errors.New("give the comparison a name")
	}
	l, err := c.Link()
	if err != nil {
		return storage.SavedScenario{}, err
	}
	data, err := scenario.Marshal(c.Scenario())
	if err != nil {
		return storage.SavedScenario{}, err
	}
	return storage.SavedScenario{ID: newID(), Name: name, Scenario: data, Compare: l}, nil
}

// compareEvery is how often (wall time, ms) the Compare tab shows a
// running comparison anew: its columns and overlaid charts are rebuilt
// then, not every frame; four times a second reads as live.
const compareEvery = 250.0

// compareShown is the comparison's version the Compare tab shows: the
// comparison's own at rest, and while it runs, the one it had when last
// shown, renewed at most every compareEvery.
type compareShown struct {
	v  uint64
	at float64 // page time it was renewed
}

// version is the version to show, given the comparison's version v,
// whether it runs, and the page time now.
func (sh *compareShown) version(v uint64, running bool, now float64) uint64 {
	if v != sh.v && (!running || now-sh.at >= compareEvery) {
		sh.v, sh.at = v, now
	}
	return sh.v
}

// compareVersion is the version the Compare panel renders (compareShown).
func (s *Shell) compareVersion() uint64 {
	if s.cmp == nil {
		return 0
	}
	running, _ := s.cmp.Running()
	return s.cmpShown.version(s.cmp.Version(), running, pageClock())
}

// frameCompare does the comparison's share of a frame and saves it once
// it rests after a change, spending at most budgetMs. It reports whether
// it changed.
func (s *Shell) frameCompare(ctx app.Context, budgetMs float64) bool {
	c := s.cmp
	if c == nil {
		return false
	}
	changed := c.Frame(budgetMs, pageClock)
	if running, _ := c.Running(); !running && c.Version() != s.cmpSaved {
		s.cmpSaved = c.Version()
		if l, err := c.Link(); err == nil {
			ctx.LocalStorage().Set(compareKey, l)
		}
		changed = true
	}
	return changed
}
