//go:build !(js && wasm)

package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A comparison opened from a link restarts from its own scenario, not
// from whatever the session holds: the start button says and does so.
func TestCompareRestartsFromItsOwnScenario(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(100))
	l, err := c.Link()
	require.NoError(t, err)
	o, _, err := OpenCompareLink("#" + l)
	require.NoError(t, err)
	require.Equal(t, "workload-churn", o.Base().Name)
	require.Empty(t, o.Base().Commands, "the base has no commands: a restart is at tick 0")

	std := newTestController(t, "standard", 0)
	p := &ComparePanel{S: std.Session, C: o}
	require.Equal(t, "workload-churn", p.startFrom().Name)
	p.C = nil
	require.Equal(t, "standard", p.startFrom().Name, "with no comparison, the session's scenario")
}
