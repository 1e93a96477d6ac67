package gputrace

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// seeds are the first rows of a real file and a few texts at the edges.
func seeds(f *testing.F, file string, extra ...string) {
	data, err := os.ReadFile(traceDir + file)
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	f.Add(bytes.Join(lines[:20], nil))
	f.Add([]byte(strings.ReplaceAll(string(bytes.Join(lines[:5], nil)), "\n", "\r\n")))
	f.Add(append([]byte("\uFEFF"), bytes.Join(lines[:3], nil)...))
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkErr: a refusal is nil and an error made only of *Error, each
// naming the file.
func checkErr[T any](t *testing.T, out []T, err error) {
	if out != nil {
		t.Fatalf("an error and a list: %v", err)
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	if len(errs) > ErrorsMax+1 {
		t.Fatalf("%d errors, more than %d", len(errs), ErrorsMax)
	}
	for _, e := range errs {
		var ge *Error
		if !errors.As(e, &ge) || !strings.HasPrefix(e.Error(), "f.csv:") {
			t.Fatalf("not a located error: %v", e)
		}
	}
}

// validName and validLabel as the package doc states them, written again.
func docName(s string) bool {
	return s != "" && len(s) <= 128 && utf8.ValidString(s) && strings.TrimSpace(s) == s &&
		!strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f })
}

func docLabel(s string) bool {
	return s != "" && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == ""
}

// FuzzReadNodes: a node list is outside input (a file dropped on the
// page). ReadNodes never panics; it refuses with located errors, or gives
// nodes whose every field is in the documented range, names unique; and
// Sniff agrees with it on the header.
func FuzzReadNodes(f *testing.F) {
	seeds(f, "openb_node_list_all_node.csv",
		"sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,64,A\nn1,1000000000,1000000000,0,\n",
		"model,gpu,x,memory_mib,cpu_milli,SN\nT4,2,,5,5,\"n,\"\"0\"\n",
		"sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,0,\nn0,1,1,0,\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		nodes, err := ReadNodes(bytes.NewReader(data), "f.csv")
		if kind, serr := Sniff(data, "f.csv"); (serr == nil) != (kind != KindUnknown) || kind == KindTasks && err == nil {
			t.Fatalf("Sniff says %v, %v; ReadNodes %v", kind, serr, err)
		} else if kind == KindNodes && err != nil && strings.Contains(err.Error(), "the header lacks") {
			t.Fatalf("Sniff says nodes, ReadNodes refuses the header: %v", err)
		}
		if err != nil {
			checkErr(t, nodes, err)
			return
		}
		seen := map[string]bool{}
		for _, n := range nodes {
			if !docName(n.Name) || seen[n.Name] {
				t.Fatalf("name %q", n.Name)
			}
			seen[n.Name] = true
			if n.CPUMilli < 1 || n.CPUMilli > CPUMilliMax || n.MemoryMiB < 1 || n.MemoryMiB > MemoryMiBMax || n.GPUs < 0 || n.GPUs > GPUsMax {
				t.Fatalf("out of range: %+v", n)
			}
			if (n.GPUs == 0) != (n.Model == "") || n.Model != "" && !docLabel(n.Model) {
				t.Fatalf("model: %+v", n)
			}
		}
	})
}

// FuzzReadTasks: as FuzzReadNodes, for task lists.
func FuzzReadTasks(f *testing.F) {
	seeds(f, "openb_pod_list_default.csv",
		"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\np0,0,0,1,1,A|B.c|d-e_f,0,\np1,0,0,8,1000,,10000000000,10000000000\n",
		"deletion_time,creation_time,scheduled_time,gpu_spec,gpu_milli,num_gpu,memory_mib,cpu_milli,name,qos,pod_phase\n5,1,3,,0,0,1,1,p,BE,\n",
		"name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\np0,1,1,2,500,,0,\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		tasks, err := ReadTasks(bytes.NewReader(data), "f.csv")
		if kind, serr := Sniff(data, "f.csv"); (serr == nil) != (kind != KindUnknown) || kind == KindNodes && err == nil {
			t.Fatalf("Sniff says %v, %v; ReadTasks %v", kind, serr, err)
		} else if kind == KindTasks && err != nil && strings.Contains(err.Error(), "the header lacks") {
			t.Fatalf("Sniff says tasks, ReadTasks refuses the header: %v", err)
		}
		if err != nil {
			checkErr(t, tasks, err)
			return
		}
		seen := map[string]bool{}
		for _, k := range tasks {
			if !docName(k.Name) || seen[k.Name] {
				t.Fatalf("name %q", k.Name)
			}
			seen[k.Name] = true
			if k.CPUMilli < 0 || k.CPUMilli > CPUMilliMax || k.MemoryMiB < 0 || k.MemoryMiB > MemoryMiBMax || k.GPUs < 0 || k.GPUs > GPUsMax {
				t.Fatalf("out of range: %+v", k)
			}
			switch {
			case k.GPUs == 0 && (k.GPUMilli != 0 || k.Models != nil),
				k.GPUs == 1 && (k.GPUMilli < 1 || k.GPUMilli > MilliGPU),
				k.GPUs >= 2 && k.GPUMilli != MilliGPU:
				t.Fatalf("GPU request: %+v", k)
			}
			if len(k.Models) > ModelsMax {
				t.Fatalf("models: %+v", k)
			}
			for i, m := range k.Models {
				for _, prev := range k.Models[:i] {
					if prev == m {
						t.Fatalf("models twice: %+v", k)
					}
				}
				if !docLabel(m) {
					t.Fatalf("model %q", m)
				}
			}
			for _, l := range []string{k.QoS, k.Phase} {
				if l != "" && !docLabel(l) {
					t.Fatalf("label %q", l)
				}
			}
			if k.Created < 0 || k.Created > TimeMax {
				t.Fatalf("created: %+v", k)
			}
			last := k.Created
			for _, at := range []int64{k.Scheduled, k.Deleted} {
				if at == Never {
					continue
				}
				if at < last || at > TimeMax {
					t.Fatalf("times: %+v", k)
				}
				last = at
			}
		}
	})
}
