package app

import (
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// Natively the shell renders as the server pre-renders it (not ready); in
// the browser (wasmbrowsertest) go-app mounts it and it says it is ready.
func TestShellRendersRegionsAndMounts(t *testing.T) {
	s := &Shell{}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(s))
	e.ConsumeAll()

	require.Equal(t, app.IsClient, s.mounted)
	require.NoError(t, app.Match(app.H1().Class("shell-title").Text("CloudChamber"), s, 0, 0, 1))
	require.NoError(t, app.Match(app.Nav().Class("shell-commands").Aria("label", "Simulation controls"), s, 0, 1))
	require.NoError(t, app.Match(app.Main().Class("shell-main").Aria("label", "Inventory and control plane"), s, 0, 2))
	require.NoError(t, app.Match(app.Aside().Class("shell-log").Aria("label", "Trace log"), s, 0, 3))
}
