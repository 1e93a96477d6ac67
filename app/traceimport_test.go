//go:build !(js && wasm)

package app

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

const (
	gpuNodesCSV = "sn,cpu_milli,memory_mib,gpu,model\n" +
		"n0,32000,65536,0,\n" +
		"n1,64000,262144,2,T4\n" +
		"n2,96000,393216,8,V100M16\n"
	gpuTasksHead = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"
	gpuTasksCSV  = gpuTasksHead +
		"t0,4000,8192,1,500,,0,100\n" +
		"t1,8000,16384,2,1000,V100M16,10,\n" +
		"t2,1000,1024,0,0,,20,30\n"
)

// Each list is told by its header, in either order; the status says what
// is still needed, and a list given again replaces the one held.
func TestTraceImportTellsTheListsApart(t *testing.T) {
	for _, order := range [][2]string{{"nodes.csv", "pods.csv"}, {"pods.csv", "nodes.csv"}} {
		st := &traceImport{}
		require.Equal(t, "empty", st.state())
		require.Equal(t, "a node list and a task list", st.needs())
		files := map[string]string{"nodes.csv": gpuNodesCSV, "pods.csv": gpuTasksCSV}
		require.NoError(t, st.add(order[0], []byte(files[order[0]])))
		require.Equal(t, "partial", st.state())
		if order[0] == "nodes.csv" {
			require.Equal(t, "a task list", st.needs())
		} else {
			require.Equal(t, "the node list", st.needs())
		}
		require.NoError(t, st.add(order[1], []byte(files[order[1]])))
		require.Equal(t, "ready", st.state())
		require.Equal(t, "", st.needs())
	}

	st := &traceImport{}
	require.NoError(t, st.add("nodes.csv", []byte(gpuNodesCSV)))
	require.Equal(t, &gpuTraceFile{Name: "nodes.csv", Data: []byte(gpuNodesCSV), Rows: 3, GPURows: 2, GPUs: 10, Models: []string{"T4", "V100M16"}}, st.nodes)
	require.Same(t, st.nodes, st.held("nodes.csv"))
	require.Nil(t, st.held("pods.csv"))
	require.NoError(t, st.add("other-nodes.csv", []byte("SN , cpu_milli,memory_mib,gpu,model\nm0,8000,1024,1,T4\n")))
	require.Equal(t, "other-nodes.csv", st.nodes.Name, "a node list replaces the one held")
	require.NoError(t, st.add("pods.csv", []byte(gpuTasksCSV)))
	require.Equal(t, 3, st.tasks.Rows)
	require.Equal(t, 2, st.tasks.GPURows)
	require.EqualValues(t, 2500, st.tasks.GPUs)
}

// A file that is no list, or has bad rows, is refused with every bad
// row's message (file, line, column), and what was held stays.
func TestTraceImportRefusesABadFile(t *testing.T) {
	st := &traceImport{}
	require.NoError(t, st.add("nodes.csv", []byte(gpuNodesCSV)))

	require.Error(t, st.add("notes.csv", []byte("when,what\n1,x\n")))
	require.Equal(t, "notes.csv was not taken; nothing changed:", st.refused)
	require.Len(t, st.errs, 1)
	require.Contains(t, st.errs[0], "notes.csv:1: the header lacks the columns")

	bad := gpuTasksHead + "t0,4000,8192,x,500,,0,100\n" + "t1,8000,16384,2,500,,10,\n" + "t2,1000,1024,0,0,,20\n"
	require.Error(t, st.add("pods.csv", []byte(bad)))
	require.Equal(t, []string{
		`pods.csv:2:4: num_gpu: want an integer 0..64, got "x"`,
		`pods.csv:3:5: gpu_milli: want 1000 when num_gpu is 2 (whole devices), got "500"`,
		`pods.csv:4: has 7 fields, the header has 8`,
	}, st.errs)
	require.Equal(t, `pods.csv was not taken; nothing changed: pods.csv:2:4: num_gpu: want an integer 0..64, got "x" (and 2 more, listed in the Scenario panel)`, st.summary())
	require.NotNil(t, st.nodes, "the node list held stays")
	require.Nil(t, st.tasks)
	require.Equal(t, "partial", st.state())

	require.Error(t, st.add("empty.csv", []byte(gpuTasksHead)))
	require.Equal(t, []string{"empty.csv: has a header and no row: no task"}, st.errs)

	var many strings.Builder
	many.WriteString(gpuTasksHead)
	for range 30 {
		many.WriteString("t,1,1,0,0,,x,\n")
	}
	require.Error(t, st.add("many.csv", []byte(many.String())))
	require.Len(t, st.errs, 20)
	require.Contains(t, st.refused, "the first 20 problems")

	// A good file afterwards clears the refusal.
	require.NoError(t, st.add("pods.csv", []byte(gpuTasksCSV)))
	require.Empty(t, st.refused)
	require.Empty(t, st.errs)
}

// The rack size is checked before anything is read.
func TestTraceImportOptions(t *testing.T) {
	st := &traceImport{}
	require.NoError(t, st.add("nodes.csv", []byte(gpuNodesCSV)))
	require.NoError(t, st.add("openb_pod_list_x.csv", []byte(gpuTasksCSV)))
	o, err := st.options()
	require.NoError(t, err)
	require.Equal(t, "openb_pod_list_x", o.Name)
	require.Zero(t, o.RackSize, "the default")
	st.rackSize = " 2 "
	o, err = st.options()
	require.NoError(t, err)
	require.Equal(t, 2, o.RackSize)
	for _, bad := range []string{"0", "x", "1.5", "100000"} {
		st.rackSize = bad
		_, err := st.options()
		require.ErrorContains(t, err, "rack size: want a whole number of blades", bad)
		_, err = st.build()
		require.Error(t, err)
		require.Equal(t, "The trace was not imported; nothing changed:", st.refused)
		require.Equal(t, "ready", st.state(), "the files stay held")
	}
	st.rackSize = ""

	// MTBF and MTTR as ccsim import's --mtbf and --mttr: blank is no
	// failures and the default repair time; 0 MTBF is no failures; an
	// MTTR typed is 1 or more.
	o, err = st.options()
	require.NoError(t, err)
	require.Zero(t, o.MTBF)
	require.Zero(t, o.MTTR, "the default")
	require.Equal(t, "the page's trace import from nodes.csv and openb_pod_list_x.csv", o.By)
	st.mtbf, st.mttr = " 86400 ", "600"
	o, err = st.options()
	require.NoError(t, err)
	require.EqualValues(t, 86400, o.MTBF)
	require.EqualValues(t, 600, o.MTTR)
	for _, c := range []struct{ mtbf, mttr, err string }{
		{"-1", "", `MTBF: want a whole number of ticks, 0 or more (0: blades do not fail), got "-1"`},
		{"1e5", "", `MTBF: want a whole number of ticks, 0 or more (0: blades do not fail), got "1e5"`},
		{"1000", "0", `MTTR: want a whole number of ticks, 1 or more, got "0"`},
		{"1000", "-5", `MTTR: want a whole number of ticks, 1 or more, got "-5"`},
		{"1000", "2.5", `MTTR: want a whole number of ticks, 1 or more, got "2.5"`},
	} {
		st.mtbf, st.mttr = c.mtbf, c.mttr
		_, err := st.options()
		require.EqualError(t, err, c.err)
		_, err = st.build()
		require.Error(t, err)
		require.Equal(t, []string{c.err}, st.errs)
		require.Equal(t, "ready", st.state(), "the files stay held")
	}
	st.mtbf, st.mttr = "5000", "300"
	sc, err := st.build()
	require.NoError(t, err)
	require.Len(t, sc.Control.Processes, 1)
	require.EqualValues(t, 5000, sc.Control.Processes[0].MTBF)
	require.EqualValues(t, 300, sc.Control.Processes[0].MTTR)
	require.NotContains(t, sc.Description, "ccsim")
	require.True(t, strings.HasPrefix(sc.Description, "A GPU cluster trace imported by the page's trace import from nodes.csv and openb_pod_list_x.csv: "), sc.Description)
	require.Contains(t, sc.Description, "placed by best-fit. Each blade fails after an exponential time with mean 5000 ticks and is repaired in about 300.")
}

type scenarioUnderTest struct {
	ScenarioPanel
	ctx app.Context
}

func (s *scenarioUnderTest) OnPreRender(ctx app.Context) { s.ctx = ctx }

// In the panel: a failed import shows every message, in the panel and in
// the page's error bar, and changes nothing (the session, its tick and
// hash, and the files held); a corrected task list dropped then imports,
// as a new session of the trace's blades, and the files are let go.
func TestTraceImportInThePanel(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Step(10))
	hash, name := c.World().Status().Hash, c.Base().Name
	p := &scenarioUnderTest{ScenarioPanel: ScenarioPanel{C: c, V: c.Version()}}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NotNil(t, p.ctx, "OnPreRender did not run")
	act := func(fn func()) {
		p.ctx.Dispatch(func(app.Context) { fn(); p.V = c.Version() })
		e.ConsumeAll()
	}
	html := app.HTMLString(p)
	require.Regexp(t, `data-testid="trace-import-status"[^>]*>Needs a node list and a task list.<`, html)
	require.Regexp(t, `<input[^>]*data-testid="trace-import"`, html)
	require.Regexp(t, `<button[^>]*disabled[^>]*>Import as a new session<`, html)

	act(func() { p.takeFile(p.ctx, "nodes.csv", []byte(gpuNodesCSV), nil) })
	require.Regexp(t, `data-needs="a task list"`, app.HTMLString(p))
	require.Contains(t, app.HTMLString(p), "Still needs a task list.")

	// A task asking for a model no node has: refused by the import.
	noModel := gpuTasksHead + "t0,4000,8192,1,500,A100,0,100\n" + "t1,1000,1024,0,0,,20,30\n" + "t2,1000,1024,2,1000,H100|A100,5,9\n"
	act(func() { p.takeFile(p.ctx, "pods.csv", []byte(noModel), nil) })
	require.Equal(t, "ready", p.Trace.state())
	act(func() { p.onTraceImport(p.ctx, app.Event{}) })
	html = app.HTMLString(p)
	require.Contains(t, html, `data-testid="trace-import-errors"`)
	require.Contains(t, html, "<li>pods.csv:2:6: gpu_spec: task t0 asks for GPUs of model A100, which no node of nodes.csv has</li>")
	require.Contains(t, html, "<li>pods.csv:4:6: gpu_spec: task t2 asks for GPUs of model H100 or A100, which no node of nodes.csv has</li>")
	require.Equal(t, "The trace was not imported; nothing changed: pods.csv:2:6: gpu_spec: task t0 asks for GPUs of model A100, which no node of nodes.csv has (and 1 more, listed in the Scenario panel)", c.Err())
	require.Equal(t, hash, c.World().Status().Hash)
	require.EqualValues(t, 10, c.World().Now())
	require.Equal(t, name, c.Base().Name)
	require.Equal(t, "ready", p.Trace.state(), "the files stay, to drop a corrected one")

	// A file the browser could not read.
	act(func() { p.takeFile(p.ctx, "gone.csv", nil, errTest) })
	require.Contains(t, c.Err(), "gone.csv: "+errTest.Error())

	act(func() { p.takeFile(p.ctx, "pods.csv", []byte(gpuTasksCSV), nil) })
	require.Empty(t, c.Err(), "a good file clears the refusal")
	p.ctx.Dispatch(func(app.Context) { p.onTraceImport(p.ctx, app.Event{}) })
	e.ConsumeNext()
	require.Equal(t, "importing", p.Trace.state())
	require.Contains(t, app.HTMLString(p), ">Importing: reading both lists again and building the scenario…<")
	e.ConsumeNext()
	require.NotNil(t, p.Import.job, "the world is built as an import, in slices")
	require.Contains(t, app.HTMLString(p), `data-testid="import-progress"`)
	require.Regexp(t, `<button[^>]*disabled[^>]*>Import as a new session<`, app.HTMLString(p), "one import at a time")
	for p.Import.job != nil {
		e.ConsumeAll()
	}
	act(func() {})
	require.Empty(t, c.Err())
	require.Equal(t, "pods", c.Base().Name)
	require.Equal(t, 3, c.World().Hardware().NumBlades())
	require.EqualValues(t, 0, c.World().Now())
	require.Equal(t, "done", p.Trace.state())
	require.Nil(t, p.Trace.nodes, "the files are let go")
	html = app.HTMLString(p)
	require.Regexp(t, `data-testid="trace-import-status"[^>]*>Imported as a new session, pods: 3 blades in 1 rack \(1 zone\) and 3 workloads, each created and deleted at its time \(a tick a second\). Read and built in [0-9.]+ s, opened in [0-9.]+ s.<`, html)
	require.Regexp(t, `<p[^>]*data-blades="3"`, html)
	require.NotContains(t, html, "trace-import-errors")

	// Once another scenario replaces the session, the status no longer
	// speaks of the import.
	require.NoError(t, c.Reset())
	act(func() {})
	require.Equal(t, "empty", p.Trace.state())
	require.Contains(t, app.HTMLString(p), ">Needs a node list and a task list.<")
}

var errTest = &testError{}

type testError struct{}

func (*testError) Error() string { return "the browser could not read it" }

// The published trace imports whole in the panel's logic: 1,523 blades.
func TestTraceImportThePublishedTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("reads and builds the whole trace")
	}
	dir := filepath.Join("..", "core", "gputrace", "testdata", "alibaba-gpu-2023")
	st := &traceImport{}
	for _, f := range []string{"openb_pod_list_default.csv", "openb_node_list_all_node.csv"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		require.NoError(t, st.add(f, data))
	}
	require.Equal(t, 1523, st.nodes.Rows)
	require.EqualValues(t, 6212, st.nodes.GPUs)
	require.Equal(t, 8152, st.tasks.Rows)
	sc, err := st.build()
	require.NoError(t, err)
	c, err := NewController(sc)
	require.NoError(t, err)
	require.Equal(t, 1523, c.World().Hardware().NumBlades())
	hw := c.World().Hardware()
	st.opened(sc, c.Begun(), hw.NumBlades(), hw.NumRacks(), len(c.Zones()), 1, 1)
	require.Regexp(t, regexp.MustCompile(`^Imported as a new session, openb_pod_list_default: 1,523 blades in 96 racks \(12 zones\) and 8,152 workloads, each created`), st.done)
}
