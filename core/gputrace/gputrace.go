// Package gputrace holds a GPU cluster trace: its nodes, with their GPU
// devices, and its tasks, with what each asks of them. It is the form the
// Alibaba GPU cluster trace (2023; alibaba/clusterdata,
// cluster-trace-gpu-v2023) takes once read, and what the fill experiment
// (core/fill) and the scenario import work from.
package gputrace

// MilliGPU is a share of one GPU device in thousandths: 1000 is a whole
// device.
const MilliGPU = 1000

// Node is a machine of the cluster (a blade once imported).
type Node struct {
	Name      string // "openb-node-0000"
	CPUMilli  int64  // CPU capacity, thousandths of a core
	MemoryMiB int64  // memory capacity, MiB
	GPUs      int    // whole GPU devices, 0 for a CPU-only node
	Model     string // the devices' model ("V100M16", "T4"), "" when GPUs is 0
}

// Task is a pod of the trace: what it asks for and when it lived.
//
// A task asks for GPUs whole devices; when GPUs is 1, GPUMilli (1..1000)
// is the share of that one device it needs (1000: all of it). A task of 2
// or more GPUs takes each device whole (GPUMilli 1000), and a task of 0
// GPUs has GPUMilli 0. Models, when not empty, are the GPU models it may
// run on.
type Task struct {
	Name      string   // "openb-pod-0000"
	CPUMilli  int64    // thousandths of a core
	MemoryMiB int64    // MiB
	GPUs      int      // whole devices asked for, 0..8 in the trace
	GPUMilli  int64    // the share of each device, 0..1000 (see above)
	Models    []string // allowed GPU models; empty: any
	QoS       string   // "LS", "BE", "Burstable", "Guaranteed"
	Phase     string   // "Running", "Pending", "Failed", "Succeeded" at the trace's end
	Created   int64    // seconds from the trace's start
	Deleted   int64    // seconds; 0 when it never was
	Scheduled int64    // seconds; 0 when it never was (a Pending task)
}

// MilliGPUs is all the GPU the task asks for, in thousandths of a device:
// GPUs × GPUMilli.
func (t *Task) MilliGPUs() int64 { return int64(t.GPUs) * t.GPUMilli }

// Trace is a cluster and the tasks run on it, in the order given.
type Trace struct {
	Nodes []Node
	Tasks []Task
}
