package fill

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
)

func smallCluster() []gputrace.Node {
	return []gputrace.Node{
		{Name: "b", CPUMilli: 32000, MemoryMiB: 65536, GPUs: 4, Model: "T4"},
		{Name: "a", CPUMilli: 32000, MemoryMiB: 65536, GPUs: 4, Model: "V100M16"},
		{Name: "cpu", CPUMilli: 64000, MemoryMiB: 65536},
	}
}

func smallTasks() []gputrace.Task {
	return []gputrace.Task{
		{Name: "t1", CPUMilli: 4000, MemoryMiB: 1024, GPUs: 1, GPUMilli: 500},
		{Name: "t2", CPUMilli: 8000, MemoryMiB: 1024, GPUs: 2, GPUMilli: 1000},
		{Name: "t3", CPUMilli: 2000, MemoryMiB: 1024},
		{Name: "t4", CPUMilli: 1000, MemoryMiB: 1024, GPUs: 1, GPUMilli: 1000, Models: []string{"V100M16"}},
	}
}

func TestRunSmall(t *testing.T) {
	for _, policy := range gpushare.Names() {
		t.Run(policy, func(t *testing.T) {
			r, err := Run(smallCluster(), smallTasks(), Config{Policy: policy, Seed: 7, Tune: 1000})
			require.NoError(t, err)
			assert.Equal(t, 2, r.Nodes, "the CPU node is left out")
			assert.Equal(t, 8, r.TotalGPUs)
			// The list asks 3500 milli of 8000: copies are added until a
			// draw's share would pass 8000 (tune 1.0).
			assert.Equal(t, 4+r.Added, r.Tasks)
			assert.Positive(t, r.Added)
			assert.LessOrEqual(t, r.Asked, int64(8000))
			assert.Greater(t, r.Asked, int64(8000-1000), "stops only on a share that would pass the target")
			n := 0
			for _, a := range r.Arrived {
				n += a
			}
			assert.Equal(t, r.Tasks, n)
			assert.Equal(t, r.Tasks, r.Placed()+r.UnplacedTotal())
			// Columns run to the last percent asked (and one past it).
			last := int(roundHalfEven(r.Asked, 80))
			assert.NotEqual(t, int64(Missing), r.Curve[last])
			assert.NotEqual(t, int64(Missing), r.Curve[last+1])
			assert.LessOrEqual(t, r.Curve[last], roundHalfEven(r.Booked*10, 8))
			for i := last + 2; i < Columns; i++ {
				assert.Equal(t, int64(Missing), r.Curve[i], "column %d", i)
			}
			again, err := Run(smallCluster(), smallTasks(), Config{Policy: policy, Seed: 7, Tune: 1000})
			require.NoError(t, err)
			assert.Equal(t, r, again, "same seed, same run")
		})
	}
}

func TestRunCutsAListAboveTheTarget(t *testing.T) {
	r, err := Run(smallCluster(), smallTasks(), Config{Policy: gpushare.NameBestFit, Seed: 1, Tune: 250})
	require.NoError(t, err)
	// 3500 milli asked, 2000 allowed: tasks are removed until at or below.
	assert.Negative(t, r.Added)
	assert.LessOrEqual(t, r.Asked, int64(2000))
	assert.Equal(t, 4+r.Added, r.Tasks)
}

func TestRunKeepsCPUNodesWhenAsked(t *testing.T) {
	r, err := Run(smallCluster(), smallTasks(), Config{Policy: gpushare.NameRandom, Seed: 1, Tune: 1000, CPUNodes: true})
	require.NoError(t, err)
	assert.Equal(t, 3, r.Nodes)
	assert.Equal(t, 8, r.TotalGPUs)
}

func TestRunErrors(t *testing.T) {
	bad := smallTasks()
	bad[1].GPUs, bad[1].GPUMilli = 2, 500
	cpuOnly := []gputrace.Task{{Name: "c", CPUMilli: 1000}}
	for _, c := range []struct {
		name  string
		nodes []gputrace.Node
		tasks []gputrace.Task
		cfg   Config
		want  string
	}{
		{"unknown policy", smallCluster(), smallTasks(), Config{Policy: "first-fit", Tune: 1300}, `unknown policy "first-fit"`},
		{"tune", smallCluster(), smallTasks(), Config{Policy: "fgd"}, "tune 0 thousandths: want above 0"},
		{"no tasks", smallCluster(), nil, Config{Policy: "fgd", Tune: 1300}, "no tasks"},
		{"no GPUs", smallCluster()[2:], smallTasks(), Config{Policy: "fgd", Tune: 1300}, "the cluster has no GPUs"},
		{"no GPU asked", smallCluster(), cpuOnly, Config{Policy: "fgd", Tune: 1300}, "the tasks ask for no GPU"},
		{"bad task", smallCluster(), bad, Config{Policy: "fgd", Tune: 1300}, "task t2: GPU request 2 × 500 milli: a share of less than a device is asked of one device only"},
		{"bad node", []gputrace.Node{{Name: "big", GPUs: 16}}, smallTasks(), Config{Policy: "fgd", Tune: 1300}, "node big:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(c.nodes, c.tasks, c.cfg)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestCurveColumns(t *testing.T) {
	c := newCurve(10) // 100 milli-GPU per percent
	// Asked 50 → 0 % (a half rounds to even), 150 → 2 %, 250 → 2 %,
	// 1049 → 10 %; booked in hundredths of a percent: 0.5 % → 50.
	c.add(50, 50)    // 0 %: 50
	c.add(150, 100)  // 2 %: 100
	c.add(250, 201)  // 2 %: 201
	c.add(1049, 999) // 10 %: 999
	got := c.columns()
	assert.Equal(t, int64(50), got[0])
	assert.Equal(t, int64(117), got[1], "no arrival at 1 %: the mean of those at 0..2 %, (50+100+201)/3")
	assert.Equal(t, int64(150), got[2], "(100 + 201) / 2 = 150.5, a half to even")
	assert.Equal(t, int64(150), got[3], "the window 2..4 %")
	assert.Equal(t, int64(Missing), got[5])
	assert.Equal(t, int64(999), got[9], "the window reaches 10 %")
	assert.Equal(t, int64(999), got[10])
	assert.Equal(t, int64(999), got[11])
	assert.Equal(t, int64(Missing), got[12])
}

func TestRoundHalfEven(t *testing.T) {
	for _, c := range []struct{ num, den, want int64 }{
		{5, 10, 0}, {15, 10, 2}, {25, 10, 2}, {26, 10, 3}, {14, 10, 1}, {0, 3, 0}, {7, 2, 4}, {9, 2, 4},
	} {
		assert.Equal(t, c.want, roundHalfEven(c.num, c.den), "%d/%d", c.num, c.den)
	}
}

func TestCSV(t *testing.T) {
	for _, c := range []struct {
		h    int64
		want string
	}{{1200, "12.0"}, {25, "0.25"}, {9150, "91.5"}, {9153, "91.53"}, {0, "0.0"}, {Missing, ""}, {10000, "100.0"}} {
		assert.Equal(t, c.want, FormatPercent(c.h))
		if c.h != Missing {
			back, err := parsePercent(c.want)
			require.NoError(t, err)
			assert.Equal(t, c.h, back)
		}
	}
	for _, c := range []struct {
		t    int64
		want string
	}{{1300, "1.3"}, {1000, "1.0"}, {1250, "1.25"}, {500, "0.5"}, {1001, "1.001"}} {
		assert.Equal(t, c.want, FormatThousandths(c.t))
	}
	r1, err := Run(smallCluster(), smallTasks(), Config{Policy: gpushare.NameFGD, Seed: 42, Tune: 1300})
	require.NoError(t, err)
	r2, err := Run(smallCluster(), smallTasks(), Config{Policy: gpushare.NameFGD, Seed: 43, Tune: 1300})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, "small", []*Result{r1, r2}))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], "workload,sc_policy,tune,seed,total_gpus,0,1,2,"), lines[0])
	assert.True(t, strings.HasSuffix(lines[0], ",129,130"), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "small,06-FGD,1.3,42,8,"), lines[1])
	rows, err := ReadCSV(&buf, "out.csv")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, Row{Workload: "small", Policy: "06-FGD", Tune: "1.3", Seed: 43, TotalGPUs: 8, Curve: r2.Curve}, rows[1])

	for _, c := range []struct{ csv, want string }{
		{"workload,sc_policy\n", "x.csv:1: 2 columns, want 136"},
		{strings.Replace(strings.Join(Header(), ","), "seed", "seeds", 1) + "\n", `x.csv:1:4: column "seeds", want "seed"`},
		{strings.Join(Header(), ",") + "\nw,p,1.3,4x,8" + strings.Repeat(",1.0", Columns) + "\n", `x.csv:2:4: seed "4x"`},
		{strings.Join(Header(), ",") + "\nw,p,1.3,4,8,1.234" + strings.Repeat(",1.0", Columns-1) + "\n", `x.csv:2:6: column 0: "1.234"`},
	} {
		_, err := ReadCSV(strings.NewReader(c.csv), "x.csv")
		assert.ErrorContains(t, err, c.want)
	}
}

func TestPeerNames(t *testing.T) {
	for i, name := range gpushare.Names() {
		peer := PeerName(name)
		assert.True(t, strings.HasPrefix(peer, fmt.Sprintf("%02d-", i+1)), peer)
		back, ok := PolicyOf(peer)
		assert.True(t, ok)
		assert.Equal(t, name, back)
	}
	_, ok := PolicyOf("07-Other")
	assert.False(t, ok)
}
