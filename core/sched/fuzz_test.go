package sched_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/sched"
)

// FuzzParseWorkloads checks that no input makes ParseWorkloads panic, and
// that whatever it accepts marshals to JSON that parses back to the same
// workloads and the same bytes. New crashers land in
// testdata/fuzz/FuzzParseWorkloads.
func FuzzParseWorkloads(f *testing.F) {
	f.Add([]byte(webJSON))
	f.Add([]byte(`{"name": "solo", "instances": [{"name": "a", "requires": {"cores": 0.001, "memoryMB": 0}}]}`))
	f.Add([]byte(`[{"name": "w", "domain": "BLADE", "instances": [{"name": "a", "requires": {"cores": 1.5, "memoryMB": 1},
		"volumes": [], "config": "\u00e9\n"}]}]`))
	f.Add([]byte(`[{"name": "w", "instances": [{"name": "a", "requires": {"cores": 1e3}}]}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := sched.ParseWorkloads(data)
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		for i := range ws {
			require.NoError(t, ws[i].Validate())
		}
		out, err := json.Marshal(ws)
		require.NoError(t, err)
		again, err := sched.ParseWorkloads(out)
		require.NoError(t, err, "%s", out)
		out2, err := json.Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(out), string(out2))
		third, err := sched.ParseWorkloads(out2)
		require.NoError(t, err)
		require.Equal(t, again, third) // empty and nil slices settle after one round
	})
}
