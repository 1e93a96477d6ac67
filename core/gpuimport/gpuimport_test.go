package gpuimport_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gpuimport"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

const traceDir = "../gputrace/testdata/alibaba-gpu-2023"

func readers(t *testing.T, nodes, tasks string) (*gputrace.NodeReader, *gputrace.TaskReader) {
	t.Helper()
	return gputrace.NewNodeReader(strings.NewReader(nodes), "nodes.csv"), gputrace.NewTaskReader(strings.NewReader(tasks), "pods.csv")
}

func open(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(traceDir, name))
	require.NoError(t, err)
	return b
}

const nodesCSV = "sn,cpu_milli,memory_mib,gpu,model\n" +
	"n0,32000,65536,0,\n" +
	"n1,64000,262144,2,T4\n" +
	"n2,96000,393216,8,V100M16\n"

const tasksHead = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"

// The published trace imports whole: every node a blade with its GPUs,
// every task a workload created and deleted at its times, in time order;
// the scenario survives its own JSON and runs.
func TestImportTheTrace(t *testing.T) {
	nodes := gputrace.NewNodeReader(bytes.NewReader(open(t, "openb_node_list_all_node.csv")), "nodes.csv")
	tasks := gputrace.NewTaskReader(bytes.NewReader(open(t, "openb_pod_list_default.csv")), "pods.csv")
	sc, err := gpuimport.Scenario(nodes, tasks, gpuimport.Options{})
	require.NoError(t, err)
	def := sc.Inventory.Definition
	var blades, gpus int64
	for _, z := range def.Regions[0].Zones {
		for _, k := range z.Racks {
			for _, b := range k.Blades {
				blades++
				gpus += b.Capacity.Devices()
			}
		}
	}
	require.EqualValues(t, 1523, blades)
	require.EqualValues(t, 6212, gpus)
	require.Len(t, def.Regions[0].Zones, 12, "96 racks of 16 (the last of 3), zones of 8")
	var creates, deletes int
	for i, c := range sc.Script {
		if i > 0 {
			require.GreaterOrEqual(t, c.At, sc.Script[i-1].At)
		}
		switch c.Do {
		case scenario.CreateWorkload:
			creates++
		case scenario.DeleteWorkload:
			deletes++
		}
	}
	require.Equal(t, 8152, creates)
	require.Equal(t, 8152, deletes)

	b, err := scenario.MarshalIndent(sc)
	require.NoError(t, err)
	again, err := scenario.Parse("alibaba.json", b)
	require.NoError(t, err)
	require.Equal(t, sc, again)

	w, err := sim.New(again)
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(200_000))
}

// Tasks become workloads of one instance: a share below a whole GPU, whole
// GPUs otherwise, the models kept; CPU at least one milli-core.
func TestTasksBecomeWorkloads(t *testing.T) {
	nodes, tasks := readers(t, nodesCSV, tasksHead+
		"share,6000,12288,1,460,,0,100\n"+
		"whole,12000,0,1,1000,T4,5,50\n"+
		"eight,88000,300000,8,1000,V100M16,7,\n"+
		"cpu,1,1,0,0,,3,3\n")
	sc, err := gpuimport.Scenario(nodes, tasks, gpuimport.Options{RackSize: 2, ZoneRacks: 1, Policy: "spread"})
	require.NoError(t, err)
	var got []string
	for _, c := range sc.Script {
		s := string(c.Do) + "@" + itoa(int64(c.At)) + " " + c.Name
		if c.Workload != nil {
			r := c.Workload.Instances[0].Requires
			s += c.Workload.Name + " " + r.Cores.String() + " " + itoa(r.MemoryMB) + " " + r.GPUs.String()
		}
		got = append(got, s)
	}
	require.Equal(t, []string{
		"create-workload@0 share 6 12288 460 milli-GPU on one device",
		"create-workload@3 cpu 0.001 1 0 milli-GPU on one device",
		"delete-workload@3 cpu",
		"create-workload@5 whole 12 0 1 whole GPUs of T4",
		"create-workload@7 eight 88 300000 8 whole GPUs of V100M16",
		"delete-workload@50 whole",
		"delete-workload@100 share",
	}, got)
	require.Len(t, sc.Inventory.Definition.Regions[0].Zones, 2, "racks of 2, a zone each")
	require.Equal(t, "spread", sc.Control.Workloads.Policy)
	require.Nil(t, sc.Control.Processes, "no failures unless asked")
	require.Equal(t, "A GPU cluster trace imported by ccsim import alibaba-gpu: 3 nodes as blades (racks of 2, zones of 1 racks) and 4 tasks as workloads of one instance, each created at its creation time and deleted at its deletion time (a tick a second; the last at tick 100), placed by spread. Blades do not fail.", sc.Description)

	// Imported elsewhere (the page), with failures: the description says by what, from which files, and the failures.
	nodes, tasks = readers(t, nodesCSV, tasksHead+"share,6000,12288,1,460,,0,100\n")
	sc, err = gpuimport.Scenario(nodes, tasks, gpuimport.Options{By: "the page's trace import from nodes.csv and pods.csv", MTBF: 5000, MTTR: 300})
	require.NoError(t, err)
	require.Equal(t, "A GPU cluster trace imported by the page's trace import from nodes.csv and pods.csv: 3 nodes as blades (racks of 16, zones of 8 racks) and 1 tasks as workloads of one instance, each created at its creation time and deleted at its deletion time (a tick a second; the last at tick 100), placed by best-fit. Each blade fails after an exponential time with mean 5000 ticks and is repaired in about 300.", sc.Description)
	require.Len(t, sc.Control.Processes, 1)
	require.EqualValues(t, 5000, sc.Control.Processes[0].MTBF)
	require.EqualValues(t, 300, sc.Control.Processes[0].MTTR)
}

// Bad input changes nothing and says where: the readers' located errors,
// a model no node has, options out of range.
func TestImportErrors(t *testing.T) {
	for _, tc := range []struct {
		nodes, tasks string
		o            gpuimport.Options
		want         string
	}{
		{nodesCSV, tasksHead + "a,1,1,x,0,,0,1\n", gpuimport.Options{}, `pods.csv:2:4: num_gpu: want an integer`},
		{"sn,cpu_milli,memory_mib,gpu,model\nn0,0,1,0,\n", tasksHead, gpuimport.Options{}, "nodes.csv:2:2: cpu_milli"},
		{"sn,cpu_milli,memory_mib,gpu,model\n", tasksHead, gpuimport.Options{}, "nodes.csv: the node list has no node"},
		{nodesCSV, tasksHead + "a,1,1,1,500,A100,0,1\n", gpuimport.Options{}, "pods.csv:2:6: gpu_spec: task a asks for GPUs of model A100, which no node of nodes.csv has"},
		{nodesCSV, tasksHead + "a,1,1,1,500,A100|H100,0,1\n", gpuimport.Options{}, "pods.csv:2:6: gpu_spec: task a asks for GPUs of model A100 or H100, which no node of nodes.csv has"},
		{nodesCSV, tasksHead + "a,1,1,1,500,T4,0,1\nb,1,1,0,0,,0,1\nc,1,1,2,1000,H100,0,1\n", gpuimport.Options{}, "pods.csv:4:6: gpu_spec: task c asks for GPUs of model H100"},
		{nodesCSV, tasksHead + "a,1,1,1,500,T4,0,1\n", gpuimport.Options{RackSize: 1000}, "rack size: want 1..127 blades, got 1000"},
		{nodesCSV, tasksHead, gpuimport.Options{}, "pods.csv: the task list has no task"},
		{nodesCSV, tasksHead + "a,1,1,1,500,T4,0,1\n", gpuimport.Options{Start: 5}, "pods.csv: no task is alive at or after second 5 of the trace (start)"},
		{nodesCSV, tasksHead, gpuimport.Options{Policy: "worst-fit"}, `policy: sched: unknown policy "worst-fit"`},
	} {
		nodes, tasks := readers(t, tc.nodes, tc.tasks)
		sc, err := gpuimport.Scenario(nodes, tasks, tc.o)
		require.Nil(t, sc)
		require.ErrorContains(t, err, tc.want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A sample is drawn from the seed: the same options give the same
// scenario, another seed another one; it has the GPU nodes and tasks
// asked for, in file order, each task fitting a blade; the window and the
// time scale move the arrivals and keep each task's life.
func TestSampleAndTimeScale(t *testing.T) {
	build := func(o gpuimport.Options) *scenario.Scenario {
		nodes := gputrace.NewNodeReader(bytes.NewReader(open(t, "openb_node_list_all_node.csv")), "nodes.csv")
		tasks := gputrace.NewTaskReader(bytes.NewReader(open(t, "openb_pod_list_default.csv")), "pods.csv")
		sc, err := gpuimport.Scenario(nodes, tasks, o)
		require.NoError(t, err)
		return sc
	}
	o := gpuimport.Options{SampleNodes: 16, SampleTasks: 100, Start: 10_300_000, TimeScale: 7000, SampleEvery: 25, Seed: 3}
	a, b := build(o), build(o)
	ab, _ := scenario.Marshal(a)
	bb, _ := scenario.Marshal(b)
	require.Equal(t, string(ab), string(bb), "the same options, the same sample")
	o.Seed = 4
	cb, _ := scenario.Marshal(build(o))
	require.NotEqual(t, string(ab), string(cb), "another seed, another sample")

	require.Equal(t, 16, a.Inventory.Definition.Counts().Blades)
	for _, z := range a.Inventory.Definition.Regions[0].Zones {
		for _, k := range z.Racks {
			for _, bl := range k.Blades {
				require.Positive(t, bl.Capacity.Devices(), "a sample has GPU nodes only")
			}
		}
	}
	require.EqualValues(t, 25, a.Control.SampleEvery)
	created := map[string]int64{}
	var names []string
	for _, c := range a.Script {
		switch c.Do {
		case scenario.CreateWorkload:
			created[c.Workload.Name] = int64(c.At)
			names = append(names, c.Workload.Name)
		case scenario.DeleteWorkload:
			require.GreaterOrEqual(t, int64(c.At), created[c.Name])
		}
	}
	require.Len(t, names, 100)

	// The first task created after the window opens: its arrival scaled,
	// its life kept.
	all := gputrace.NewTaskReader(bytes.NewReader(open(t, "openb_pod_list_default.csv")), "pods.csv")
	checked := 0
	for {
		task, err := all.Next()
		if err != nil {
			break
		}
		at, ok := created[task.Name]
		if !ok {
			continue
		}
		require.GreaterOrEqual(t, task.Deleted, int64(10_300_000), "a task over before the window is left out")
		from := max(task.Created, 10_300_000)
		require.Equal(t, (from-10_300_000)/7000, at, task.Name)
		for _, c := range a.Script {
			if c.Do == scenario.DeleteWorkload && c.Name == task.Name {
				require.Equal(t, at+task.Deleted-from, int64(c.At), "%s lives what it had left", task.Name)
				checked++
			}
		}
	}
	require.Equal(t, 100, checked)

	_, err := gpuimport.Scenario(gputrace.NewNodeReader(strings.NewReader(nodesCSV), "nodes.csv"),
		gputrace.NewTaskReader(strings.NewReader(tasksHead), "pods.csv"), gpuimport.Options{SampleNodes: 3})
	require.ErrorContains(t, err, "nodes.csv: sample: want 3 GPU nodes, the node list has 2")
	_, err = gpuimport.Scenario(gputrace.NewNodeReader(strings.NewReader(nodesCSV), "nodes.csv"),
		gputrace.NewTaskReader(strings.NewReader(tasksHead+"t0,1000,1024,1,500,,0,10\n"), "pods.csv"), gpuimport.Options{SampleTasks: 2})
	require.ErrorContains(t, err, "pods.csv: sample: want 2 tasks, 1 of the list fit the blades")
}

// A task that allows several models imports when a node has one of them
// (a newcomer's task allowing A100 or V100M16 was refused for the A100).
func TestOneOfTheModelsIsEnough(t *testing.T) {
	nodes, tasks := readers(t, nodesCSV, tasksHead+"a,1,1,1,500,A100|T4,0,1\n")
	sc, err := gpuimport.Scenario(nodes, tasks, gpuimport.Options{})
	require.NoError(t, err)
	require.Equal(t, []string{"A100", "T4"}, sc.Script[0].Workload.Instances[0].Requires.GPUs.Models)
}
