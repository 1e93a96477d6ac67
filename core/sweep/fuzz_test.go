package sweep

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// A spec is outside input: no text panics Parse, and what it accepts is
// valid and reads back the same after a write.
func FuzzParse(f *testing.F) {
	f.Add([]byte(churnSpec))
	f.Add([]byte(`{"format": 1, "scenario": {"inline": {"format": 2}}, "variants": [{"name": "a"}], "seeds": {"first": 1, "count": 1}, "ticks": 1}`))
	f.Add([]byte(`{"format": 1, "seeds": {"first": 18446744073709551615, "count": 2}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := Parse("spec.json", data)
		if err != nil {
			return
		}
		require.NoError(t, spec.Validate())
		b, err := json.Marshal(spec)
		require.NoError(t, err)
		again, err := Parse("again.json", b)
		require.NoError(t, err)
		b2, _ := json.Marshal(again)
		require.Equal(t, string(b), string(b2))
	})
}

// A part's lines are outside input (a file from another machine): no
// text panics ReadLines.
func FuzzReadLines(f *testing.F) {
	f.Add([]byte("{\"kind\":\"sweep\",\"sweep\":\"00\",\"spec\":{}}\n{\"kind\":\"run\",\"index\":1,\"figures\":{\"availability\":0.5,\"mttr_ticks\":null}}\n{\"kind\":\"summary\"}\n"))
	f.Add([]byte("{\"kind\":\"run\",\"index\":1,\"index\":2}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		heads, results, err := ReadLines("part", data)
		if err != nil {
			require.Nil(t, heads)
			require.Nil(t, results)
		}
	})
}
