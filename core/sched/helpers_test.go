package sched_test

import (
	"fmt"
	goparser "go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/trace"
)

// bladeSpec is a blade in test shorthand; the cluster helpers give it a path
// from its position.
type bladeSpec struct {
	zone, rack     int32
	cores          int64
	memMB, diskGB  int64
	netMbps        int64
	arch           string
	accelerators   []string
	gpus           []inventory.GPU
	notSchedulable string // why, when not schedulable
}

// small is a 4-core, 8 GB blade with disk and network to spare.
func small(zone, rack int32) bladeSpec {
	return bladeSpec{zone: zone, rack: rack, cores: 4, memMB: 8192, diskGB: 1000, netMbps: 10_000}
}

func bladePath(s bladeSpec, i int) string {
	return fmt.Sprintf("region1/zone%d/rack%d/blade/%d", s.zone, s.rack, i)
}

func newCluster(specs ...bladeSpec) *sched.Cluster {
	blades := make([]sched.Blade, len(specs))
	for i, s := range specs {
		blades[i] = sched.Blade{
			Path: bladePath(s, i), Region: 1, Zone: s.zone, Rack: s.rack,
			Capacity: inventory.Capacity{Cores: s.cores, MemoryMB: s.memMB, DiskGB: s.diskGB, NetworkMbps: s.netMbps,
				Arch: s.arch, Accelerators: s.accelerators, GPUs: s.gpus},
		}
	}
	c := sched.NewCluster(blades)
	for i, s := range specs {
		c.SetSchedulable(int32(i), s.notSchedulable == "", s.notSchedulable)
	}
	return c
}

func inst(name string, group int64, cores sched.Milli, memMB int64) sched.Instance {
	return sched.Instance{Name: name, AffinityGroup: group, Requires: sched.Requirements{Cores: cores, MemoryMB: memMB}}
}

// alone is a workload without an affinity rule whose one instance is in,
// for holding an instance where no workload matters.
func alone(in sched.Instance) *sched.Workload {
	return &sched.Workload{Name: "alone", Instances: []sched.Instance{in}}
}

func workload(name string, aff sched.Affinity, dom sched.Domain, insts ...sched.Instance) *sched.Workload {
	return &sched.Workload{Name: name, Affinity: aff, Domain: dom, Instances: insts}
}

// placeAll places and holds every instance of w in order, and returns the
// decisions. Key.Instance is the instance's index.
func placeAll(t *testing.T, c *sched.Cluster, p sched.Policy, w *sched.Workload, wid uint32) []sched.Decision {
	t.Helper()
	var ds []sched.Decision
	for i := range w.Instances {
		d := c.Place(p, w, wid, i)
		require.NotEmpty(t, d.Reason.String())
		require.Contains(t, d.Reason.String(), w.Name+"/"+w.Instances[i].Name)
		if d.Blade >= 0 {
			require.NoError(t, c.Hold(d.Blade, sched.Key{Workload: wid, Instance: uint32(i)}, w, i), d.Reason.String())
		}
		ds = append(ds, d)
	}
	return ds
}

// decided is a decision as its blade and its reason's message, for
// comparing decisions of two clusters (a Reason points to its cluster).
type decided struct {
	Blade int32
	Code  trace.Msg
	Args  []trace.Arg
}

func decidedOf(d sched.Decision) decided {
	return decided{d.Blade, d.Reason.Code(), d.Reason.AppendArgs(nil)}
}

func decidedAll(ds []sched.Decision) []decided {
	out := make([]decided, len(ds))
	for i, d := range ds {
		out[i] = decidedOf(d)
	}
	return out
}

func blades(ds []sched.Decision) []int32 {
	out := make([]int32, len(ds))
	for i, d := range ds {
		out[i] = d.Blade
	}
	return out
}

// The core stays free of effects: no clock, no randomness but core/rng, no
// I/O, no browser.
func TestPackageImportsNoEffects(t *testing.T) {
	forbidden := []string{"time", "math/rand", "math/rand/v2", "os", "io/fs", "net", "net/http", "syscall", "syscall/js",
		"unsafe", "math", "github.com/maxence-charriere/go-app/v10/pkg/app"}
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, name, nil, goparser.ImportsOnly)
		require.NoError(t, err)
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		require.NotContains(t, string(src), "float", "%s: placement is integer arithmetic, so native and wasm agree", name)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			require.False(t, slices.Contains(forbidden, path), "%s imports %s", name, path)
			if strings.HasPrefix(path, "github.com/cloudchamber/") {
				require.Contains(t, []string{"github.com/cloudchamber/cloudchamber/core/inventory",
					"github.com/cloudchamber/cloudchamber/core/rng", "github.com/cloudchamber/cloudchamber/core/strictjson",
					"github.com/cloudchamber/cloudchamber/core/trace", "github.com/cloudchamber/cloudchamber/core/scoring",
					"github.com/cloudchamber/cloudchamber/core/gpushare", "github.com/cloudchamber/cloudchamber/core/registry"}, path, "%s imports %s", name, path) // trace: reasons are its messages; scoring: custom policies, integers only; gpushare: the paper's policies, integers at run time (FGD's thresholds are computed once, portably); registry: Random's stream
			}
		}
		checked++
	}
	require.NotZero(t, checked)
}
