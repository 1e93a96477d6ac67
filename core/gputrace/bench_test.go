package gputrace

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkReadTasks reads the published files from memory: each task
// list and the node list alone, and the whole trace (nodes and both task
// lists) in one run, so the figure is the cost of an import's parsing.
func BenchmarkReadTasks(b *testing.B) {
	files := map[string][]byte{}
	for _, name := range []string{"openb_node_list_all_node.csv", "openb_pod_list_default.csv", "openb_pod_list_gpushare40.csv"} {
		data, err := os.ReadFile(traceDir + name)
		if err != nil {
			b.Fatal(err)
		}
		files[name] = data
	}
	tasks := func(b *testing.B, name string) {
		if _, err := ReadTasks(bytes.NewReader(files[name]), name); err != nil {
			b.Fatal(err)
		}
	}
	nodes := func(b *testing.B) {
		if _, err := ReadNodes(bytes.NewReader(files["openb_node_list_all_node.csv"]), "nodes.csv"); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		run  func(b *testing.B)
	}{
		{"default", func(b *testing.B) { tasks(b, "openb_pod_list_default.csv") }},
		{"gpushare40", func(b *testing.B) { tasks(b, "openb_pod_list_gpushare40.csv") }},
		{"nodes", nodes},
		{"trace", func(b *testing.B) {
			nodes(b)
			tasks(b, "openb_pod_list_default.csv")
			tasks(b, "openb_pod_list_gpushare40.csv")
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.run(b)
			}
		})
	}
	// Streaming, keeping nothing: what the reader itself costs.
	b.Run("stream-default", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(files["openb_pod_list_default.csv"])))
		for b.Loop() {
			r := NewTaskReader(bytes.NewReader(files["openb_pod_list_default.csv"]), "t.csv")
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
