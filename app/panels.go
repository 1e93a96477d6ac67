package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// panel renders the tab's panel.
func (s *Shell) panel(tab string, c *Controller, v uint64) app.UI {
	switch tab {
	case "scenario":
		return &ScenarioPanel{C: c, V: v}
	case "settings":
		return &SettingsPanel{C: c, V: v}
	case "library":
		return &LibraryPanel{C: c, V: v, S: s}
	case "workloads":
		return &WorkloadsPanel{C: c, V: v}
	case "faults":
		return &FaultsPanel{C: c, V: v}
	case "policies":
		return &PoliciesPanel{C: c, V: v}
	case "log":
		if c == nil {
			return &LogPanel{}
		}
		return &LogPanel{C: c, V: c.LogVersion()} // re-rendered only when the log has news
	case "charts":
		return &ChartsPanel{C: c, V: v}
	case "diagram":
		return &DiagramPanel{C: c, V: v}
	}
	return app.P().Class("muted").Text("This panel is not built yet.")
}
