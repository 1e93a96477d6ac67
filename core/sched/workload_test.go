package sched_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/sched"
)

const webJSON = `[
  {
    "name": "web",
    "affinity": "Strong_AntiAffinity",
    "domain": "Zone",
    "instances": [
      {
        "name": "i1",
        "affinityGroup": 1,
        "requires": {"cores": 0.5, "memoryMB": 512, "networkMbps": 100, "arch": "x86_64", "accelerators": ["gpu"]},
        "systemName": "nginx",
        "volumes": [{"name": "root", "sizeGB": 10, "attribute": "Write_Locked", "uri": "img://nginx"}],
        "config": "port=80"
      },
      {"name": "i2", "affinityGroup": 2, "requires": {"cores": 2, "memoryMB": 0}}
    ]
  },
  {"name": "batch", "affinity": "weak-affinity", "instances": [{"name": "b", "affinityGroup": 0, "requires": {"cores": 1.25, "memoryMB": 1}}]}
]`

func TestParseWorkloadsRoundTrip(t *testing.T) {
	ws, err := sched.ParseWorkloads([]byte(webJSON))
	require.NoError(t, err)
	require.Len(t, ws, 2)
	web := ws[0]
	require.Equal(t, sched.StrongAntiAffinity, web.Affinity)
	require.Equal(t, sched.DomainZone, web.Domain)
	require.Equal(t, sched.Milli(500), web.Instances[0].Requires.Cores)
	require.Equal(t, sched.VolumeWriteLocked, web.Instances[0].Volumes[0].Attribute)
	require.Equal(t, int64(10), web.Instances[0].DiskGB())
	require.Equal(t, sched.DomainRack, ws[1].Domain, "rack is the default")

	out, err := json.Marshal(ws)
	require.NoError(t, err)
	require.Equal(t, `[{"name":"web","affinity":"strong-anti-affinity","domain":"zone","instances":[`+
		`{"name":"i1","affinityGroup":1,"requires":{"cores":0.5,"memoryMB":512,"networkMbps":100,"arch":"x86_64","accelerators":["gpu"]},`+
		`"systemName":"nginx","volumes":[{"name":"root","sizeGB":10,"attribute":"write-locked","uri":"img://nginx"}],"config":"port=80"},`+
		`{"name":"i2","affinityGroup":2,"requires":{"cores":2,"memoryMB":0}}]},`+
		`{"name":"batch","affinity":"weak-affinity","domain":"rack","instances":[{"name":"b","affinityGroup":0,"requires":{"cores":1.25,"memoryMB":1}}]}]`,
		string(out))
	again, err := sched.ParseWorkloads(out)
	require.NoError(t, err)
	require.Equal(t, ws, again)

	one, err := sched.ParseWorkloads([]byte(`{"name": "solo", "instances": [{"name": "a", "requires": {"cores": 1, "memoryMB": 1}}]}`))
	require.NoError(t, err, "one object, as the create form sends")
	require.Len(t, one, 1)
	require.Equal(t, sched.AffinityNone, one[0].Affinity)
}

func TestMilliJSON(t *testing.T) {
	tests := []struct {
		in   string
		want sched.Milli
		err  string
	}{
		{in: "0.5", want: 500},
		{in: "1.25", want: 1250},
		{in: "2", want: 2000},
		{in: "0.001", want: 1},
		{in: "0.010", want: 10},
		{in: "16384", want: 16_384_000},
		{in: "0", want: 0}, // Validate refuses it for cores, the type does not
		{in: "0.0005", err: "cores: 0.0005 has more than 3 fraction digits (the unit is a thousandth of a core)"},
		{in: "-1", err: "cores: -1 must not be negative"},
		{in: "1e3", err: "cores: 1e3 must be plain decimal: exponents are not allowed"},
		{in: "1E3", err: "cores: 1E3 must be plain decimal: exponents are not allowed"},
		{in: `"1"`, err: `cores: "1" must be a number of cores like 0.5 or 2, not a string`},
		{in: "99999999999999999999", err: "cores: 99999999999999999999 is too large (at most 1099511627 cores)"},
		{in: "true", err: "cores: true must be a number of cores like 0.5 or 2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var m sched.Milli
			err := json.Unmarshal([]byte(tt.in), &m)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, m)
			out, err := json.Marshal(m)
			require.NoError(t, err)
			require.Equal(t, strings.TrimRight(strings.TrimRight(tt.in, "0"), "."), strings.TrimRight(strings.TrimRight(string(out), "0"), "."))
		})
	}
	for m, s := range map[sched.Milli]string{500: "0.5", 2000: "2", 1250: "1.25", 1: "0.001", 10: "0.01", 0: "0", 16_384_000: "16384", -1500: "-1.5"} {
		require.Equal(t, s, m.String())
	}
}

// TestParseWorkloadsErrors gives each kind of error workload specs can
// have and checks the exact message: line, column, path, what is wrong.
func TestParseWorkloadsErrors(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"syntax", "[\n  {\"name\": \"web\",,}\n]", "workloads:2:18: [0]: invalid character ',' looking for beginning of object key string"},
		{"unknown field", "[\n  {\"name\": \"web\",\n   \"replicas\": 3}\n]", `workloads:3:4: [0].replicas: unknown key (known here: name, affinity, domain, instances)`},
		{"type", "[{\"name\": 3}]", "workloads:1:11: [0].name: must be a string, got 3"},
		{"repeated key", "[{\"name\": \"a\",\n  \"name\": \"b\"}]", "workloads:2:3: [0].name: repeats the key of line 1, column 3"},
		{"case-variant key", "{\"name\": \"a\", \"Name\": \"b\"}", `workloads:1:15: Name: repeats the key "name" of line 1, column 2 (keys match regardless of case)`},
		{"bad milli located", "[{\"name\": \"w\",\n \"instances\": [{\"name\": \"a\",\n  \"requires\": {\"cores\": 1e3}}]}]",
			"workloads:3:25: [0].instances[0].requires.cores: 1e3 must be plain decimal: exponents are not allowed"},
		{"bad enum", "[{\"name\": \"w\", \"affinity\": \"sticky\"}]",
			`workloads:1:28: [0].affinity: "sticky" is not one of none, strong-affinity, weak-affinity, strong-anti-affinity, weak-anti-affinity`},
		{"trailing data", "[]\n[]", "workloads:2:1: unexpected data after the JSON value"},
		{"truncated", "[{\"name\": ", "workloads:1:11: [0].name: unexpected end of input"},
		{"empty", "", "workloads:1:1: no JSON value (the input is empty)"},
		{"null", "null", "workloads:1:1: must be an array of workloads or one workload object, got null"},
		{"duplicate workload", `[{"name": "w", "instances": [{"name": "a", "requires": {"cores": 1, "memoryMB": 1}}]},
			{"name": "W", "instances": [{"name": "a", "requires": {"cores": 1, "memoryMB": 1}}]}]`, `workloads:2:13: [1].name: "W" is a duplicate of workload 0`},
		{"invalid", `[{"name": "w", "instances": [{"name": "a", "requires": {"cores": 0, "memoryMB": 1}}]}]`,
			`workloads:1:66: [0].instances[0].requires.cores: must be > 0, got 0 (workload "w")`},
		{"invalid, one object", "{\"name\": \"w\",\n \"instances\": []}", `workloads:2:15: instances: must not be empty (workload "w")`},
		{"two invalid", `[{"name": "w", "instances": [{"name": "a", "requires": {"cores": 0, "memoryMB": -1}}]}]`,
			"workloads:1:66: [0].instances[0].requires.cores: must be > 0, got 0 (workload \"w\")\n" +
				`workloads:1:81: [0].instances[0].requires.memoryMB: must be >= 0, got -1 (workload "w")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sched.ParseWorkloads([]byte(tt.in))
			require.EqualError(t, err, tt.err)
		})
	}
}

func TestValidateNamesThePath(t *testing.T) {
	ok := func() *sched.Workload {
		return &sched.Workload{Name: "web", Instances: []sched.Instance{
			{Name: "i0", Requires: sched.Requirements{Cores: 1000, MemoryMB: 1}},
			{Name: "i1", Requires: sched.Requirements{Cores: 1000, MemoryMB: 1}},
			{Name: "i2", Requires: sched.Requirements{Cores: 1000, MemoryMB: 1}, Volumes: []sched.Volume{{Name: "v", SizeGB: 1}}},
		}}
	}
	require.NoError(t, ok().Validate())
	tests := []struct {
		name   string
		break_ func(w *sched.Workload)
		err    string
	}{
		{"cores", func(w *sched.Workload) { w.Instances[2].Requires.Cores = 0 }, `workload "web": instances[2].requires.cores must be > 0, got 0`},
		{"memory", func(w *sched.Workload) { w.Instances[1].Requires.MemoryMB = -1 }, `workload "web": instances[1].requires.memoryMB must be >= 0, got -1`},
		{"network", func(w *sched.Workload) { w.Instances[0].Requires.NetworkMbps = -5 }, `workload "web": instances[0].requires.networkMbps must be >= 0, got -5`},
		{"workload name", func(w *sched.Workload) { w.Name = "" }, `workload "": name must not be empty`},
		{"slash", func(w *sched.Workload) { w.Name = "a/b" }, `workload "a/b": name "a/b" must not contain '/' or control characters`},
		{"instance name", func(w *sched.Workload) { w.Instances[1].Name = "" }, `workload "web": instances[1].name must not be empty`},
		{"duplicate", func(w *sched.Workload) { w.Instances[2].Name = "I0" }, `workload "web": instances[2].name "I0" is a duplicate of instances[0]`},
		{"volume size", func(w *sched.Workload) { w.Instances[2].Volumes[0].SizeGB = -1 }, `workload "web": instances[2].volumes[0].sizeGB must be >= 0, got -1`},
		{"volume name", func(w *sched.Workload) {
			w.Instances[2].Volumes = append(w.Instances[2].Volumes, sched.Volume{Name: "v"})
		},
			`workload "web": instances[2].volumes[1].name "v" is a duplicate of volumes[0]`},
		{"accelerator", func(w *sched.Workload) { w.Instances[0].Requires.Accelerators = []string{""} },
			`workload "web": instances[0].requires.accelerators[0] must not be empty`},
		{"affinity", func(w *sched.Workload) { w.Affinity = 9 }, `workload "web": affinity is invalid: 9`},
		{"domain", func(w *sched.Workload) { w.Domain = 3 }, `workload "web": domain is invalid: 3`},
		{"no instances", func(w *sched.Workload) { w.Instances = nil }, `workload "web": instances must not be empty`},
		{"too many", func(w *sched.Workload) { w.Instances = make([]sched.Instance, sched.InstancesMax+1) },
			`workload "web": instances has 10001 entries, at most 10000`},
		{"two at once", func(w *sched.Workload) {
			w.Instances[0].Requires.Cores = -1
			w.Instances[1].Requires.MemoryMB = 1 << 41
		},
			"workload \"web\": instances[0].requires.cores must be > 0, got -0.001\n" +
				"workload \"web\": instances[1].requires.memoryMB must be <= 1099511627776, got 2199023255552"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := ok()
			tt.break_(w)
			err := w.Validate()
			require.EqualError(t, err, tt.err)
			var fe *sched.FieldError
			require.True(t, errors.As(err, &fe))
			require.Equal(t, w.Name, fe.Workload)
		})
	}

	w := ok()
	for i := range w.Instances {
		w.Instances[i].Name = "" // and more than the cap of reported errors
	}
	w.Instances = append(w.Instances, make([]sched.Instance, 30)...)
	lines := strings.Split(w.Validate().Error(), "\n")
	require.Len(t, lines, 21)
	require.Equal(t, `workload "web": and 43 more errors`, lines[20])
}

func TestAffinityNamesReadTheOriginals(t *testing.T) {
	for in, want := range map[string]sched.Affinity{
		`"none"`: sched.AffinityNone, `"Strong_Affinity"`: sched.StrongAffinity, `"weak-affinity"`: sched.WeakAffinity,
		`"STRONG-ANTI-AFFINITY"`: sched.StrongAntiAffinity, `"Weak_AntiAffinity"`: sched.WeakAntiAffinity,
	} {
		var a sched.Affinity
		require.NoError(t, json.Unmarshal([]byte(in), &a), in)
		require.Equal(t, want, a, in)
	}
	_, err := json.Marshal(sched.Affinity(9))
	require.Error(t, err)
}
