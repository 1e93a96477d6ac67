//go:build !race

package trace

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The hot path of a hardware transition costs no allocation: the span is
// one an earlier span ended, and its events, impacts and arguments go into
// slabs that cost one allocation per hundreds of spans. (The race detector
// changes allocation counts, hence the build tag.)
func TestSpanAllocations(t *testing.T) {
	tr := New(1000)
	allocs := testing.AllocsPerRun(2000, func() {
		s := tr.Start(5, "blade transition")
		s.Reason("the boot timer fired")
		s.Infof(5, "booting -> working")
		s.Impact(Modify, "region1/zone1/rack1/blade/3")
		s.End()
	})
	require.Equal(t, 0.0, allocs)
}
