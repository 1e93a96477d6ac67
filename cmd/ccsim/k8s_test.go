package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// k8sDocs reads a multi-document manifest into its documents by kind and name.
func k8sDocs(t *testing.T, file string) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	docs := map[string]map[string]any{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err, file)
		}
		meta := d["metadata"].(map[string]any)
		docs[d["kind"].(string)+"/"+meta["name"].(string)] = d
	}
	return docs
}

// dig follows keys (a number indexes a list) into a decoded document.
func dig(t *testing.T, v any, keys ...any) any {
	t.Helper()
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "want a map at %q", k)
			v = m[k]
		case int:
			l, ok := v.([]any)
			require.True(t, ok, "want a list at %d", k)
			v = l[k]
		}
	}
	return v
}

// shell runs the one shell line the manifests use, `ccsim ARGS > FILE &&
// mv FROM TO` or `ccsim ARGS`, with env substituted, paths under /spec and
// /results moved into dirs, and ccsim run in this process. It returns
// what ccsim printed when its output was not redirected.
func shell(t *testing.T, line string, env map[string]string, dirs map[string]string) string {
	t.Helper()
	for k, v := range env {
		line = strings.ReplaceAll(line, "${"+k+"}", v)
	}
	for from, to := range dirs {
		line = strings.ReplaceAll(line, from, to)
	}
	var printed string
	for _, cmd := range strings.Split(line, "&&") {
		words := strings.Fields(cmd)
		out := ""
		if i := len(words) - 2; i > 0 && words[i] == ">" {
			out, words = words[i+1], words[:i]
		}
		switch words[0] {
		case "mv":
			require.NoError(t, os.Rename(words[1], words[2]))
			continue
		case "ccsim":
		default:
			t.Fatalf("the manifests' shell runs ccsim and mv, not %q", words[0])
		}
		var args []string
		for _, w := range words[1:] {
			if strings.Contains(w, "*") { // a glob, as the shell expands it
				m, err := filepath.Glob(w)
				require.NoError(t, err)
				args = append(args, m...)
				continue
			}
			args = append(args, w)
		}
		stdout, errs, code := ccsim(t, args...)
		require.Equal(t, 0, code, "%v: %s", args, errs)
		if out != "" {
			require.NoError(t, os.WriteFile(out, []byte(stdout), 0o644))
		} else {
			printed += stdout
		}
	}
	return printed
}

// The Kubernetes example is an Indexed Job whose parts, run as its pods
// would run them, merge to the summary of the whole sweep run at once.
func TestKubernetesIndexedJobExample(t *testing.T) {
	parts := k8sDocs(t, "../../deploy/k8s/sweep-job.yaml")
	merge := k8sDocs(t, "../../deploy/k8s/sweep-merge-job.yaml")
	job := parts["Job/ccsim-sweep"]
	require.NotNil(t, job)
	require.Equal(t, "Indexed", dig(t, job, "spec", "completionMode"))
	n := dig(t, job, "spec", "completions").(int)
	require.Equal(t, n, dig(t, job, "spec", "parallelism"))
	partCmd := dig(t, job, "spec", "template", "spec", "containers", 0, "args", 0).(string)
	require.Contains(t, partCmd, "--shard ${JOB_COMPLETION_INDEX}/"+strconv.Itoa(n), "the N of --shard is the job's completions")
	mergeCmd := dig(t, merge["Job/ccsim-sweep-merge"], "spec", "template", "spec", "containers", 0, "args", 0).(string)

	// The spec the ConfigMap mounts at /spec.
	specText := dig(t, parts["ConfigMap/ccsim-sweep-spec"], "data", "sweep.json").(string)
	_, err := sweep.Parse("sweep.json", []byte(specText))
	require.NoError(t, err)
	dir := t.TempDir()
	dirs := map[string]string{"/spec/": filepath.Join(dir, "spec") + "/", "/results/": filepath.Join(dir, "results") + "/"}
	for _, d := range dirs {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	specFile := filepath.Join(dirs["/spec/"], "sweep.json")
	require.NoError(t, os.WriteFile(specFile, []byte(specText), 0o644))

	for i := range n {
		shell(t, partCmd, map[string]string{"JOB_COMPLETION_INDEX": strconv.Itoa(i)}, dirs)
	}
	summary := shell(t, mergeCmd, nil, dirs)
	whole, errs, code := ccsim(t, "sweep", specFile)
	require.Equal(t, 0, code, errs)
	require.Equal(t, whole, summary)
	csv, err := os.ReadFile(filepath.Join(dirs["/results/"], "summary.csv"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(csv), "figure,variant,n,mean,"))
}
