package inventory

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks that no input makes Parse panic, that every error it
// gives has a line (but those about the whole file), and that whatever it
// accepts is valid and survives JSON (scenarios) and YAML (ccsim gen)
// unchanged. New crashers land in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	require.NoError(f, err)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		if len(data) > 20_000 {
			continue // standard and extended: too slow to mutate and minimize well
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(anchored))
	f.Add([]byte("Regions: &r [*r]\n"))
	f.Add([]byte("a: &a {<<: *a}\n"))
	f.Add([]byte("Regions: [{Name: r, Details: {State: in_service}, Zones: [{<<: [{Name: z}, {Racks: []}]}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz.yaml", data)
		// The same text in pieces (cut at thirds, empty pieces included)
		// reads the same.
		cut := [][]byte{data[:len(data)/3], nil, data[len(data)/3 : 2*len(data)/3], data[2*len(data)/3:]}
		dp, errp := ParsePiecesPaced("fuzz.yaml", cut, nil)
		require.Equal(t, d, dp)
		require.Equal(t, err, errp)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, "fuzz.yaml", e.File)
			whole := strings.HasPrefix(e.Msg, "is ") || strings.HasPrefix(e.Msg, "expands to more than") ||
				strings.HasPrefix(e.Msg, "holds no inventory") || strings.HasPrefix(e.Msg, "could not be read as YAML")
			if !whole {
				require.NotZero(t, e.Line, "not located: %v", err)
			}
			return
		}
		require.NoError(t, d.Validate())

		j, err := json.Marshal(d)
		require.NoError(t, err)
		var back Definition
		require.NoError(t, json.Unmarshal(j, &back))
		require.Equal(t, d, &back)

		y, err := MarshalYAML(d)
		require.NoError(t, err)
		again, err := Parse("again.yaml", y)
		require.NoError(t, err)
		require.Equal(t, d, again)
		require.Empty(t, Reconcile(d, again))
	})
}

// FuzzWriteStrings puts arbitrary text in every kind of string field and
// checks MarshalYAML quotes it so Parse gives it back unchanged; FuzzParse
// rarely reaches that far, since most mutations break the schema.
func FuzzWriteStrings(f *testing.F) {
	for _, s := range []string{"plain", "", "true", "- x", "a: b", "#c", "multi\nline", " pad ", "\x00\x1b\u2028\ufeff", "é✓😀", `q"\'`} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, name, text, arch string) {
		d, err := Parse("minimal.yaml", []byte(minimal))
		require.NoError(t, err)
		r := d.Regions[0]
		r.Name, r.Notes = name, text
		r.Zones[0].Location = text
		b := r.Zones[0].Racks[0].Blades[1]
		b.Boot.Parameters, b.Capacity.Arch = text, arch
		b.Capacity.Accelerators = []string{arch}
		b.Capacity.GPUs = []GPU{{Model: text, Count: 2}}
		if d.Validate() != nil {
			return // empty name, empty accelerator or model, or invalid UTF-8: not writable, by design
		}
		y, err := MarshalYAML(d)
		require.NoError(t, err)
		back, err := Parse("again.yaml", y)
		require.NoError(t, err, "%s", y)
		require.Equal(t, d, back)
	})
}
