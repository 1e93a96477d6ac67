package app

import (
	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// panel renders the tab's panel (the log for any other name: it is the
// first tab).
func (s *Shell) panel(tab string, c *Controller, v uint64) app.UI {
	switch tab {
	case "scenario":
		if s.gpuTrace == nil {
			s.gpuTrace = &traceImport{}
		}
		if s.fileImport == nil {
			s.fileImport = &fileImport{}
		}
		return &ScenarioPanel{C: c, V: v, Page: s, Trace: s.gpuTrace, Import: s.fileImport, Progress: s.fileImport.prog}
	case "settings":
		return &SettingsPanel{C: c, V: v}
	case "library":
		var st storage.Storage
		if s.store != nil {
			st = s.store.st
		}
		return &LibraryPanel{C: c, V: v, Store: st, Page: s, L: s.libV, K: s.kept}
	case "workloads":
		return &WorkloadsPanel{C: c, V: v}
	case "faults":
		return &FaultsPanel{C: c, V: v, Selected: s.view.selected}
	case "policies":
		return &PoliciesPanel{C: c, V: v, Page: s}
	case "charts":
		return &ChartsPanel{S: sessionOf(c), V: v}
	case "compare":
		v := s.compareVersion() // renewed a few times a second while it runs
		return &ComparePanel{S: sessionOf(c), C: s.cmp, V: v, Page: s, Note: s.cmpNote}
	case "sweep":
		return s.sweepPanel(c)
	case "fill":
		return s.fillPanel()
	case "diagram":
		return &DiagramPanel{S: sessionOf(c), V: v}
	}
	if c == nil {
		return &LogPanel{}
	}
	return &LogPanel{S: c.Session, V: s.logVersion(c), Page: s}
}

// logEvery is how often the log re-renders while time runs: a busy log is
// a thousand elements, and four updates a second read as live.
const logEvery = 250.0 // ms

// logVersion is the version the log panel renders: the log's own, which
// changes only when it has news, and while time runs at most every
// logEvery.
func (s *Shell) logVersion(c *Controller) uint64 {
	v := c.LogVersion(s.logInfra)
	if v != s.logV && (c.Mode() == ModePaused || nowMs()-s.logAt >= logEvery) {
		s.logV, s.logAt = v, nowMs()
	}
	return s.logV
}
