package gputrace

// MilliGPU is a share of one GPU device in thousandths: 1000 is a whole
// device.
const MilliGPU = 1000

// Never is the time of something that never happened: a task's Deleted
// when it was still running at the trace's end, its Scheduled when it was
// never placed (a Pending task). It is not 0, since 0 is a real time (the
// trace's start: the first task is created and scheduled at 0).
const Never int64 = -1

// The ranges the readers accept (see the package doc). They keep every
// sum over a trace far from overflowing an int64.
const (
	GPUsMax      = 64             // whole GPU devices of a node or a task
	CPUMilliMax  = 1_000_000_000  // a million cores, in thousandths
	MemoryMiBMax = 1_000_000_000  // about 954 TiB, in MiB
	TimeMax      = 10_000_000_000 // seconds, about 317 years
	NameMax      = 128            // bytes of a node's or a task's name
	LabelMax     = 64             // bytes of a GPU model, a QoS class or a phase
	ModelsMax    = 64             // GPU models a task may name
)

// Node is a machine of the cluster (a blade once imported).
type Node struct {
	Name      string // "openb-node-0000"
	CPUMilli  int64  // CPU capacity, thousandths of a core, 1..CPUMilliMax
	MemoryMiB int64  // memory capacity, MiB, 1..MemoryMiBMax
	GPUs      int    // whole GPU devices, 0..GPUsMax; 0 for a CPU-only node
	Model     string // the devices' model ("V100M16", "T4"), "" when GPUs is 0
}

// Task is a pod of the trace: what it asks for and when it lived.
//
// A task asks for GPUs whole devices; when GPUs is 1, GPUMilli (1..1000)
// is the share of that one device it needs (1000: all of it). A task of 2
// or more GPUs takes each device whole (GPUMilli 1000), and a task of 0
// GPUs has GPUMilli 0 and no Models. Models, when not empty, are the GPU
// models it may run on (distinct, in the file's order).
//
// Times are seconds from the trace's start, 0..TimeMax, with Created ≤
// Scheduled ≤ Deleted for those that are not Never.
type Task struct {
	Name      string   // "openb-pod-0000"
	CPUMilli  int64    // thousandths of a core, 0..CPUMilliMax
	MemoryMiB int64    // MiB, 0..MemoryMiBMax (the trace has a task of 0)
	GPUs      int      // whole devices asked for, 0..GPUsMax (0..8 in the trace)
	GPUMilli  int64    // the share of each device, 0..1000 (see above)
	Models    []string // allowed GPU models; nil: any
	QoS       string   // "LS", "BE", "Burstable", "Guaranteed"; "" when not given
	Phase     string   // "Running", "Pending", "Failed", "Succeeded" at the trace's end; "" when not given
	Created   int64    // seconds
	Deleted   int64    // seconds; Never when it was not deleted
	Scheduled int64    // seconds; Never when it never was (a Pending task)
}

// MilliGPUs is all the GPU the task asks for, in thousandths of a device:
// GPUs × GPUMilli.
func (t *Task) MilliGPUs() int64 { return int64(t.GPUs) * t.GPUMilli }

// Trace is a cluster and the tasks run on it, in the order given.
type Trace struct {
	Nodes []Node
	Tasks []Task
}
