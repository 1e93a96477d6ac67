package app

import (
	"strings"

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
	c, at, err := OpenCompareLink(frag)
	if err == nil {
		err = c.Start(at)
	}
	if err != nil {
		s.notice = "The comparison in this link could not be opened: " + err.Error()
		return
	}
	s.setComparison(c)
	s.tab = "compare"
}

// frameCompare does the comparison's share of a frame and saves it once
// it rests after a change. It reports whether it changed.
func (s *Shell) frameCompare(ctx app.Context) bool {
	c := s.cmp
	if c == nil {
		return false
	}
	changed := c.Frame(frameBudgetMs, pageClock)
	if running, _ := c.Running(); !running && c.Version() != s.cmpSaved {
		s.cmpSaved = c.Version()
		if l, err := c.Link(); err == nil {
			ctx.LocalStorage().Set(compareKey, l)
		}
		changed = true
	}
	return changed
}
