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
	for s := DeviceInvalid; s < deviceStateCount; s++ {
		require.Equal(t, s.String(), s.Reported().String())
	}
	for _, k := range deviceKindsInOrder {
		for n, s := range deviceKinds[k].states {
			require.Equal(t, [][]string{pduStateNames, torStateNames}[k-KindPDU][n], s.String(), "%s state %d", k, n)
		}
	}
	require.Equal(t, BladeWorking.Reported(), DeviceWorking.Reported(), "one value for a state the kinds share")
	require.Panics(t, func() { BladeState(200).Reported() })
}
