package gputrace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const traceDir = "testdata/alibaba-gpu-2023/"

func readFile[T any](t testing.TB, name string, read func(io.Reader, string) ([]T, error)) []T {
	f, err := os.Open(traceDir + name)
	require.NoError(t, err)
	defer f.Close()
	out, err := read(f, name)
	require.NoError(t, err)
	return out
}

// TestRealTraces reads the published files: the counts the NOTICE gives,
// and rows checked by hand against the CSV.
func TestRealTraces(t *testing.T) {
	nodes := readFile(t, "openb_node_list_all_node.csv", ReadNodes)
	require.Len(t, nodes, 1523)
	gpus, models := 0, map[string]int{}
	for _, n := range nodes {
		gpus += n.GPUs
		models[n.Model] += n.GPUs
	}
	require.Equal(t, 6212, gpus)
	require.Equal(t, map[string]int{"": 0, "A10": 2, "G2": 4392, "G3": 312, "P100": 265, "T4": 842, "V100M16": 195, "V100M32": 204}, models)
	require.Equal(t, Node{Name: "openb-node-0000", CPUMilli: 32000, MemoryMiB: 262144}, nodes[0])
	require.Equal(t, Node{Name: "openb-node-1522", CPUMilli: 96000, MemoryMiB: 393216, GPUs: 8, Model: "G2"}, nodes[1522])

	for _, name := range []string{"openb_pod_list_default.csv", "openb_pod_list_gpushare40.csv"} {
		tasks := readFile(t, name, ReadTasks)
		require.Len(t, tasks, 8152, name)
		pending := 0
		for _, k := range tasks {
			if k.Scheduled == Never {
				pending++
				require.Equal(t, "Pending", k.Phase, k.Name)
			}
			require.NotEqual(t, Never, k.Deleted, "every task of the trace has a deletion time")
		}
		require.Equal(t, map[string]int{"openb_pod_list_default.csv": 897, "openb_pod_list_gpushare40.csv": 981}[name], pending, name)
	}
	tasks := readFile(t, "openb_pod_list_default.csv", ReadTasks)
	// openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0: created and scheduled at 0
	require.Equal(t, Task{Name: "openb-pod-0000", CPUMilli: 12000, MemoryMiB: 16384, GPUs: 1, GPUMilli: 1000,
		QoS: "LS", Phase: "Running", Created: 0, Deleted: 12537496, Scheduled: 0}, tasks[0])
	// openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061: a share of one GPU
	require.Equal(t, int64(460), tasks[1].GPUMilli)
	require.Equal(t, int64(460), tasks[1].MilliGPUs())
	// openb-pod-1523,14000,0,1,1000,,Burstable,Succeeded,10611842,10615828,10611842: no memory
	require.Equal(t, Task{Name: "openb-pod-1523", CPUMilli: 14000, MemoryMiB: 0, GPUs: 1, GPUMilli: 1000,
		QoS: "Burstable", Phase: "Succeeded", Created: 10611842, Deleted: 10615828, Scheduled: 10611842}, tasks[1523])
	byGPUs := map[int]int{}
	for _, k := range tasks {
		byGPUs[k.GPUs]++
	}
	require.Equal(t, map[int]int{0: 1088, 1: 6989, 2: 16, 4: 15, 8: 44}, byGPUs)
}

// TestTaskErrors gives each kind of bad task row, after a good row (line
// 2), and checks the exact message: file, line, CSV column, column name,
// what is wrong.
func TestTaskErrors(t *testing.T) {
	const header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
	const good = "p0,12000,16384,1,1000,,LS,Running,0,12537496,0\n"
	for _, c := range []struct{ row, want string }{
		{"p1,1000,1024,x,0,,LS,Running,0,1,0", `t.csv:3:4: num_gpu: want an integer 0..64, got "x"`},
		{"p1,1000,1024,65,1000,,LS,Running,0,1,0", `t.csv:3:4: num_gpu: want an integer 0..64, got "65"`},
		{"p1,1000,1024,-1,0,,LS,Running,0,1,0", `t.csv:3:4: num_gpu: want an integer 0..64, got "-1"`},
		{"p1,1000,1024,+1,1000,,LS,Running,0,1,0", `t.csv:3:4: num_gpu: want an integer 0..64, got "+1"`},
		{"p1,1000,1024, 1,1000,,LS,Running,0,1,0", `t.csv:3:4: num_gpu: want an integer 0..64, got " 1"`},
		{"p1,1.5,1024,0,0,,LS,Running,0,1,0", `t.csv:3:2: cpu_milli: want an integer 0..1000000000, got "1.5"`},
		{"p1,1000000001,1024,0,0,,LS,Running,0,1,0", `t.csv:3:2: cpu_milli: want an integer 0..1000000000, got "1000000001"`},
		{"p1,1000,,0,0,,LS,Running,0,1,0", `t.csv:3:3: memory_mib: want an integer 0..1000000000, got ""`},
		{"p1,1000,99999999999999999999,0,0,,LS,Running,0,1,0", `t.csv:3:3: memory_mib: want an integer 0..1000000000, got "99999999999999999999"`},
		{"p1,1000,1024,0,500,,LS,Running,0,1,0", `t.csv:3:5: gpu_milli: want 0 when num_gpu is 0, got "500"`},
		{"p1,1000,1024,1,0,,LS,Running,0,1,0", `t.csv:3:5: gpu_milli: want an integer 1..1000 when num_gpu is 1, got "0"`},
		{"p1,1000,1024,1,1001,,LS,Running,0,1,0", `t.csv:3:5: gpu_milli: want an integer 1..1000 when num_gpu is 1, got "1001"`},
		{"p1,1000,1024,1,,,LS,Running,0,1,0", `t.csv:3:5: gpu_milli: want an integer 1..1000 when num_gpu is 1, got ""`},
		{"p1,1000,1024,2,500,,LS,Running,0,1,0", `t.csv:3:5: gpu_milli: want 1000 when num_gpu is 2 (whole devices), got "500"`},
		{"p1,1000,1024,0,0,T4,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: want empty when num_gpu is 0, got "T4"`},
		{"p1,1000,1024,1,500,T4||G2,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: entry 2 of "T4||G2" is empty: want GPU models separated by "|"`},
		{"p1,1000,1024,1,500,T4|,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: entry 2 of "T4|" is empty: want GPU models separated by "|"`},
		{"p1,1000,1024,1,500,|,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: entry 1 of "|" is empty: want GPU models separated by "|"`},
		{"p1,1000,1024,1,500,T4|T 4,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: entry 2 of "T4|T 4" is not a GPU model (1..64 letters, digits, '-', '_' or '.')`},
		{"p1,1000,1024,1,500,T4|G2|T4,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: "T4|G2|T4" names "T4" twice`},
		{"p1,1000,1024,1,500," + strings.Repeat("A|", 64) + "A,LS,Running,0,1,0", `t.csv:3:6: gpu_spec: names 65 models, more than the 64 allowed`},
		{",1000,1024,0,0,,LS,Running,0,1,0", `t.csv:3:1: name: want a name of 1..128 bytes of printable text, no space at either end, got ""`},
		{" p1,1000,1024,0,0,,LS,Running,0,1,0", `t.csv:3:1: name: want a name of 1..128 bytes of printable text, no space at either end, got " p1"`},
		{"\"p\t1\",1000,1024,0,0,,LS,Running,0,1,0", `t.csv:3:1: name: want a name of 1..128 bytes of printable text, no space at either end, got "p\t1"`},
		{strings.Repeat("p", 129) + ",1000,1024,0,0,,LS,Running,0,1,0", `t.csv:3:1: name: want a name of 1..128 bytes of printable text, no space at either end, got "pppppppppppppppppppppppppppppppppppppppp"…`},
		{"p0,1000,1024,0,0,,LS,Running,0,1,0", `t.csv:3:1: name: "p0" repeats the name of line 2`},
		{"p1,1000,1024,0,0,,LS,Running,,1,0", `t.csv:3:9: creation_time: want an integer 0..10000000000, got ""`},
		{"p1,1000,1024,0,0,,LS,Running,10000000001,,", `t.csv:3:9: creation_time: want an integer 0..10000000000, got "10000000001"`},
		{"p1,1000,1024,0,0,,LS,Running,0,x,0", `t.csv:3:10: deletion_time: want empty or an integer 0..10000000000, got "x"`},
		{"p1,1000,1024,0,0,,LS,Running,100,50,", `t.csv:3:10: deletion_time: want creation_time or later (100), got "50"`},
		{"p1,1000,1024,0,0,,LS,Running,100,300,50", `t.csv:3:11: scheduled_time: want creation_time or later (100), got "50"`},
		{"p1,1000,1024,0,0,,LS,Running,100,150,200", `t.csv:3:10: deletion_time: want scheduled_time or later (200), got "150"`},
		{"p1,1000,1024,0,0,,L S,Running,0,1,0", `t.csv:3:7: qos: want empty or 1..64 letters, digits, '-', '_' or '.', got "L S"`},
		{"p1,1000,1024,0,0,,LS,Runn!ng,0,1,0", `t.csv:3:8: pod_phase: want empty or 1..64 letters, digits, '-', '_' or '.', got "Runn!ng"`},
		{"p1,1000", `t.csv:3: has 2 fields, the header has 11`},
		{"p1,1000,1024,0,0,,LS,Running,0,1,0,extra", `t.csv:3: has 12 fields, the header has 11`},
		{`p"1,1000,1024,0,0,,LS,Running,0,1,0`, `t.csv:3: a field that does not start with a quote has one (byte 2 of the line)`},
		{`"p1"x,1000,1024,0,0,,LS,Running,0,1,0`, `t.csv:3: a quoted field has a stray quote or lacks its closing one (byte 4 of the line)`},
	} {
		tasks, err := ReadTasks(strings.NewReader(header+good+c.row+"\n"), "t.csv")
		require.EqualError(t, err, c.want, c.row)
		require.Nil(t, tasks)
		var e *Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, 3, e.Line)
	}
}

func TestNodeErrors(t *testing.T) {
	const header = "sn,cpu_milli,memory_mib,gpu,model\n"
	const good = "n0,96000,393216,8,G2\n"
	for _, c := range []struct{ row, want string }{
		{"n1,0,1024,0,", `n.csv:3:2: cpu_milli: want an integer 1..1000000000, got "0"`},
		{"n1,1000,0,0,", `n.csv:3:3: memory_mib: want an integer 1..1000000000, got "0"`},
		{"n1,1000,1024,65,G2", `n.csv:3:4: gpu: want an integer 0..64, got "65"`},
		{"n1,1000,1024,,", `n.csv:3:4: gpu: want an integer 0..64, got ""`},
		{"n1,1000,1024,0,T4", `n.csv:3:5: model: want empty when gpu is 0, got "T4"`},
		{"n1,1000,1024,2,", `n.csv:3:5: model: want a GPU model (1..64 letters, digits, '-', '_' or '.') when gpu is 2, got ""`},
		{"n1,1000,1024,2,T4|G2", `n.csv:3:5: model: want a GPU model (1..64 letters, digits, '-', '_' or '.') when gpu is 2, got "T4|G2"`},
		{"n0,1000,1024,0,", `n.csv:3:1: sn: "n0" repeats the name of line 2`},
		{"n1\u200b,1000,1024,0,", `n.csv:3:1: sn: want a name of 1..128 bytes of printable text, no space at either end, got "n1\u200b"`},
		{"n1,1000,1024,0", `n.csv:3: has 4 fields, the header has 5`},
	} {
		nodes, err := ReadNodes(strings.NewReader(header+good+c.row+"\n"), "n.csv")
		require.EqualError(t, err, c.want, c.row)
		require.Nil(t, nodes)
	}
}

// TestHeaderErrors: a header lacking a required column, or naming one
// twice, is refused with the column named; other columns are ignored.
func TestHeaderErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"", `t.csv: is empty: want a header line naming the columns`},
		{"\n\r\n\n", `t.csv: is empty: want a header line naming the columns`},
		{"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time\n",
			`t.csv:1: the header lacks the column deletion_time (a task list has name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time)`},
		{"sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,0,\n",
			`t.csv:1: the header lacks the columns name, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time (a task list has name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time): it is a node list, not a task list`},
		{"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time,num_gpu\n",
			`t.csv:1:9: num_gpu: repeats column 4`},
		{"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time, Num_GPU\n",
			`t.csv:1:9:  Num_GPU: repeats column 4 ("num_gpu"; names match regardless of case and spaces at either end)`},
		{"\n\nname,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,scheduled_time,creation_time,deletion_time,scheduled_time\n",
			`t.csv:3:10: scheduled_time: repeats column 7`},
		{"name,\"cpu_milli,memory_mib\n",
			`t.csv:1: a quoted field has a stray quote or lacks its closing one (byte 28 of the line)`},
	} {
		tasks, err := ReadTasks(strings.NewReader(c.text), "t.csv")
		require.EqualError(t, err, c.want, c.text)
		require.Nil(t, tasks)
	}
	// Another order, other columns, names in another case or with spaces;
	// the optional columns left out.
	tasks, err := ReadTasks(strings.NewReader(
		"Deletion_Time, creation_time ,node,gpu_spec,gpu_milli,num_gpu,memory_mib,cpu_milli,NAME\n"+
			",5,n7,T4|G2,250,1,1024,2000,p0\n"), "t.csv")
	require.NoError(t, err)
	require.Equal(t, []Task{{Name: "p0", CPUMilli: 2000, MemoryMiB: 1024, GPUs: 1, GPUMilli: 250, Models: []string{"T4", "G2"},
		Created: 5, Deleted: Never, Scheduled: Never}}, tasks)
	// A header alone is an empty list.
	tasks, err = ReadTasks(strings.NewReader("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"), "t.csv")
	require.NoError(t, err)
	require.Empty(t, tasks)
}

// TestTextForms: CRLF, a byte order mark, quoted fields, blank lines
// (skipped, but counted in line numbers), no newline at the end.
func TestTextForms(t *testing.T) {
	want := []Node{
		{Name: "n,0", CPUMilli: 1000, MemoryMiB: 2048, GPUs: 2, Model: "T4"},
		{Name: `n "1"`, CPUMilli: 3000, MemoryMiB: 4096},
	}
	for name, text := range map[string]string{
		"LF":               "sn,cpu_milli,memory_mib,gpu,model\n\"n,0\",1000,2048,2,T4\n\"n \"\"1\"\"\",3000,4096,0,\n",
		"CRLF":             "sn,cpu_milli,memory_mib,gpu,model\r\n\"n,0\",1000,2048,2,T4\r\n\"n \"\"1\"\"\",3000,4096,0,\r\n",
		"BOM":              "\uFEFFsn,cpu_milli,memory_mib,gpu,model\n\"n,0\",1000,2048,2,T4\n\"n \"\"1\"\"\",3000,4096,0,\n",
		"quoted":           "\"sn\",\"cpu_milli\",\"memory_mib\",\"gpu\",\"model\"\n\"n,0\",\"1000\",\"2048\",\"2\",\"T4\"\n\"n \"\"1\"\"\",\"3000\",\"4096\",\"0\",\"\"\n",
		"trailing blank":   "sn,cpu_milli,memory_mib,gpu,model\n\"n,0\",1000,2048,2,T4\n\"n \"\"1\"\"\",3000,4096,0,\n\n",
		"trailing CRLFs":   "sn,cpu_milli,memory_mib,gpu,model\r\n\"n,0\",1000,2048,2,T4\r\n\"n \"\"1\"\"\",3000,4096,0,\r\n\r\n\r\n",
		"no final newline": "sn,cpu_milli,memory_mib,gpu,model\n\"n,0\",1000,2048,2,T4\n\"n \"\"1\"\"\",3000,4096,0,",
		"blank lines":      "\nsn,cpu_milli,memory_mib,gpu,model\n\n\"n,0\",1000,2048,2,T4\n\n\n\"n \"\"1\"\"\",3000,4096,0,\n",
	} {
		nodes, err := ReadNodes(strings.NewReader(text), "n.csv")
		require.NoError(t, err, name)
		require.Equal(t, want, nodes, name)
	}
	// Lines are the file's own, blank lines and a field over two lines
	// counted: the bad value is on line 7.
	_, err := ReadNodes(strings.NewReader("\uFEFFsn,cpu_milli,memory_mib,gpu,model\r\n\r\n\"n\r\n0\",1,1,0,\r\nn1,1,1,0,\r\n\r\nn2,1,x,0,\r\n"), "n.csv")
	require.EqualError(t, err, "n.csv:3:1: sn: want a name of 1..128 bytes of printable text, no space at either end, got \"n\\n0\"\n"+
		`n.csv:7:3: memory_mib: want an integer 1..1000000000, got "x"`)
}

// TestEveryBadRow: the readers go on after a bad row, so one reading
// lists them all, up to ErrorsMax.
func TestEveryBadRow(t *testing.T) {
	text := "sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,0,\nn1,0,1,0,\nn2,1,1,0,\nn0,1,1,0,\nn3,1,1\n"
	_, err := ReadNodes(strings.NewReader(text), "n.csv")
	require.EqualError(t, err, `n.csv:3:2: cpu_milli: want an integer 1..1000000000, got "0"`+"\n"+
		`n.csv:5:1: sn: "n0" repeats the name of line 2`+"\n"+
		`n.csv:6: has 3 fields, the header has 5`)

	// The reader itself: each row's error, then the rows after it.
	r := NewNodeReader(strings.NewReader(text), "n.csv")
	var got []string
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, "error")
			continue
		}
		got = append(got, n.Name)
	}
	require.Equal(t, []string{"n0", "error", "n2", "error", "error"}, got)

	var many strings.Builder
	many.WriteString("sn,cpu_milli,memory_mib,gpu,model\n")
	for i := range 30 {
		fmt.Fprintf(&many, "n%d,0,1,0,\n", i)
	}
	_, err = ReadNodes(strings.NewReader(many.String()), "n.csv")
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, ErrorsMax+1)
	require.Equal(t, `n.csv:21:2: cpu_milli: want an integer 1..1000000000, got "0"`, lines[ErrorsMax-1])
	require.Equal(t, "n.csv: stopped reading after 20 errors", lines[ErrorsMax])
}

// TestFinalErrors: after the header's error, a syntax error or the
// input's, Next says io.EOF; the input's error is kept for errors.Is.
func TestFinalErrors(t *testing.T) {
	r := NewTaskReader(strings.NewReader("name\np0\n"), "t.csv")
	_, err := r.Next()
	require.ErrorContains(t, err, "t.csv:1: the header lacks the columns cpu_milli,")
	_, err = r.Next()
	require.Equal(t, io.EOF, err)

	boom := errors.New("boom")
	nodes, err := ReadNodes(io.MultiReader(strings.NewReader("sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,0,\n"), &failing{boom}), "n.csv")
	require.Nil(t, nodes)
	require.EqualError(t, err, "n.csv: cannot be read: boom")
	require.ErrorIs(t, err, boom)

	r2 := NewNodeReader(strings.NewReader("sn,cpu_milli,memory_mib,gpu,model\nn\"0,1,1,0,\nn1,1,1,0,\n"), "n.csv")
	_, err = r2.Next()
	require.EqualError(t, err, "n.csv:2: a field that does not start with a quote has one (byte 2 of the line)")
	_, err = r2.Next()
	require.Equal(t, io.EOF, err)
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		head string
		kind Kind
		want string
	}{
		{"sn,cpu_milli,memory_mib,gpu,model\nopenb-node-0000,32000,262144,0,\n", KindNodes, ""},
		{"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\r\nopenb", KindTasks, ""},
		{"\uFEFFSN, CPU_MILLI,memory_mib,gpu,model,rack", KindNodes, ""},
		{"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time", KindTasks, ""},
		{"\r\n\nsn,cpu_milli,memory_mib,gpu,model\nn0,\"unclosed", KindNodes, ""},
		{"\n\nsn,cpu_milli,memory_mib,gpu\n", KindUnknown, "d.csv:3: the header lacks the column model (a node list has sn, cpu_milli, memory_mib, gpu, model)"},
		{"\n\n", KindUnknown, "d.csv: is empty: want a header line naming the columns"},
		{"", KindUnknown, "d.csv: is empty: want a header line naming the columns"},
		{"sn,cpu_milli,memory_mib,gpu\n", KindUnknown, "d.csv:1: the header lacks the column model (a node list has sn, cpu_milli, memory_mib, gpu, model)"},
		{"name,cpu_milli,memory_mib,num_gpu,gpu_milli,creation_time\n", KindUnknown, "d.csv:1: the header lacks the columns gpu_spec, deletion_time (a task list has name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time)"},
		{"a,b,c\n", KindUnknown, "d.csv:1: the header lacks the columns name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time (a task list has name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time)"},
		{"sn,name,cpu_milli,memory_mib,gpu,model,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n", KindUnknown, "d.csv:1: the header has the columns of both a node list and a task list: give one of them"},
		{"sn,cpu_milli,memory_mib,gpu,model,sn\n", KindUnknown, "d.csv:1:6: sn: repeats column 1"},
		{"sn,\"cpu\n", KindUnknown, "d.csv:1: a quoted field has a stray quote or lacks its closing one (byte 9 of the line)"},
	} {
		kind, err := Sniff([]byte(c.head), "d.csv")
		require.Equal(t, c.kind, kind, c.head)
		if c.want == "" {
			require.NoError(t, err, c.head)
		} else {
			require.EqualError(t, err, c.want, c.head)
		}
	}
	for _, name := range []string{"openb_node_list_all_node.csv", "openb_pod_list_default.csv", "openb_pod_list_gpushare40.csv"} {
		data, err := os.ReadFile(traceDir + name)
		require.NoError(t, err)
		kind, err := Sniff(data[:200], name)
		require.NoError(t, err)
		require.Equal(t, map[bool]Kind{true: KindNodes, false: KindTasks}[strings.Contains(name, "node")], kind)
	}
	require.Equal(t, "nodes", KindNodes.String())
	require.Equal(t, "tasks", KindTasks.String())
	require.Equal(t, "unknown", KindUnknown.String())
}

// A node list given as the task list, or the other way round, is named as
// what it is (a newcomer swapped --nodes and --pods).
func TestSwappedFilesAreNamed(t *testing.T) {
	_, err := ReadTasks(strings.NewReader("sn,cpu_milli,memory_mib,gpu,model\nn0,1000,1,0,\n"), "nodes.csv")
	require.ErrorContains(t, err, "nodes.csv:1: the header lacks the columns name, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time (a task list has name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, creation_time, deletion_time): it is a node list, not a task list")
	_, err = ReadNodes(strings.NewReader("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"), "pods.csv")
	require.ErrorContains(t, err, ": it is a task list, not a node list")
}

// Line and File locate the row Next last read, and ModelsError an error
// at its gpu_spec field, for a caller's check that needs more than the row.
func TestTaskReaderLocates(t *testing.T) {
	r := NewTaskReader(strings.NewReader("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"+
		"a,1,1,1,500,T4,0,1\n\nb,1,1,1,1000,A100|H100,0,1\n"), "pods.csv")
	require.Equal(t, "pods.csv", r.File())
	require.Equal(t, 0, r.Line())
	_, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, 2, r.Line())
	_, err = r.Next()
	require.NoError(t, err)
	require.Equal(t, 4, r.Line(), "the blank line counts")
	require.EqualError(t, r.ModelsError("no node has %s", "H100"), "pods.csv:4:6: gpu_spec: no node has H100")
}
