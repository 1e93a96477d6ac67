package app

import (
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// Natively the shell renders as the server pre-renders it (not ready, no
// simulation yet); in the browser (wasmbrowsertest) go-app mounts it, it
// starts the default scenario and says it is ready.
func TestShellRendersRegionsAndMounts(t *testing.T) {
	s := &Shell{}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(s))
	e.ConsumeAll()

	require.Equal(t, app.IsClient, s.mounted)
	require.Equal(t, app.IsClient, s.c != nil)
	require.NoError(t, app.Match(app.H1().Class("shell-title").Text("CloudChamber"), s, 0, 0, 1))
}
