package registry

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/rng"
)

func TestSubsystemsAreDistinct(t *testing.T) {
	seen := map[uint8]string{}
	for _, s := range Subsystems() {
		require.NotZero(t, s.N, "%s: 0 is no subsystem", s.Name)
		prev, dup := seen[s.N]
		require.False(t, dup, "%s and %s are both subsystem %d", prev, s.Name, s.N)
		seen[s.N] = s.Name
	}
}

// Every stream any concern draws from, plain or per item, is its own: no
// two concerns, and no two items of the bounded range, share one.
func TestStreamsAreDistinct(t *testing.T) {
	seen := map[uint64]string{}
	add := func(stream uint64, who string) {
		prev, dup := seen[stream]
		require.False(t, dup, "%s and %s both draw from stream %#x", prev, who, stream)
		seen[stream] = who
	}
	for _, s := range Streams() {
		add(s.N, s.Name)
	}
	for _, s := range Streams() {
		require.GreaterOrEqual(t, s.ItemsMax, 0, s.Name)
		for i := range s.ItemsMax {
			add(rng.Derive(s.N, uint64(i)), fmt.Sprintf("%s item %d", s.Name, i))
		}
	}
	require.Len(t, seen, len(Streams())+FailureProcessesMax)
}
