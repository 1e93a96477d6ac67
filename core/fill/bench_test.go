package fill

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
)

// BenchmarkFill is one run of the experiment (the default task list, seed
// 42) per policy, on the trace's nodes.
func BenchmarkFill(b *testing.B) {
	nodes, tasks := traceNodes(b), traceTasks(b, "default")
	for _, policy := range gpushare.Names() {
		b.Run(policy, func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(nodes, tasks, Config{Policy: policy, Seed: 42, Tune: DefaultTune}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
