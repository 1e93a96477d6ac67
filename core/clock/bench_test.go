package clock

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/snap"
)

// BenchmarkQueueSnapshot writes the snapshot of a queue of 150,000 events
// over 400 ticks, about what a bring-up of 50,000 blades queues.
func BenchmarkQueueSnapshot(b *testing.B) {
	r := rng.New(1, 1)
	q := NewQueue()
	for i := range 150000 {
		q.Push(Tick(r.Range(0, 400)), Event{Target: uint32(i)})
	}
	for b.Loop() {
		w := snap.NewWriter(4 << 20)
		q.MarshalSnapshot(w)
	}
}
