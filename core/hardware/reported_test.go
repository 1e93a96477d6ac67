package hardware

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A state reaches the control plane under the name the hardware gives it.
func TestReportedStatesKeepTheirNames(t *testing.T) {
	for _, s := range BladeStates() {
		require.Equal(t, s.String(), s.Reported().String())
	}
	for s := PDUInvalid; int(s) < len(pduStateNames); s++ {
		require.Equal(t, s.String(), s.Reported().String())
	}
	for s := TORInvalid; int(s) < len(torStateNames); s++ {
		require.Equal(t, s.String(), s.Reported().String())
	}
	require.Equal(t, BladeWorking.Reported(), PDUWorking.Reported(), "one value for a state the kinds share")
	require.Panics(t, func() { BladeState(200).Reported() })
}
