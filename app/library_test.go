package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLibraryFileRoundTrip(t *testing.T) {
	sc, err := scenario.Builtin("pdu-outage")
	require.NoError(t, err)
	data, err := scenario.Marshal(sc)
	require.NoError(t, err)
	file, err := json.Marshal(libraryFile{Format: 1, Scenarios: []libraryFileItem{{Name: "a", Scenario: data}, {Name: "b", Scenario: data}}})
	require.NoError(t, err)
	items, err := ParseLibrary("lib.json", file)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, "b", items[1].Name)
	assert.NotEqual(t, items[0].ID, items[1].ID)

	_, err = ParseLibrary("lib.json", []byte(`{"format": 3, "scenarios": []}`))
	assert.EqualError(t, err, "lib.json:1:12: format: library format 3 is not one this build reads (1 or 2)")
	_, err = ParseLibrary("lib.json", []byte(`{"format": 1, "scenarios": [{"name": "x", "scenario": {"format": 2}}]}`))
	assert.EqualError(t, err, "lib.json:1:55: scenarios[0].scenario.inventory: give exactly one of builtin, generate or definition",
		"one bad scenario: nothing imported, and it is named")
	_, err = ParseLibrary("lib.json", []byte(`nope`))
	assert.EqualError(t, err, "lib.json:1:2: invalid character 'o' in literal null (expecting 'u')")
	_, err = ParseLibrary("lib.json", []byte(`{"format": 1, "Format": 1, "scenarios": []}`))
	assert.EqualError(t, err, `lib.json:1:15: Format: repeats the key "format" of line 1, column 2 (keys match regardless of case)`)
}

// A scenario inside a library file is read as strictly as a scenario file,
// and its errors are located in the library file.
func TestLibraryFileLocatesErrorsInItsScenarios(t *testing.T) {
	sc, err := scenario.Builtin("pdu-outage")
	require.NoError(t, err)
	data, err := scenario.MarshalIndent(sc)
	require.NoError(t, err)
	dup := strings.Replace(string(data), `"seed": 1,`, `"seed": 1,`+"\n"+`  "seed": 7,`, 1)
	file, err := json.MarshalIndent(libraryFile{Format: 1, Scenarios: []libraryFileItem{
		{Name: "a", Scenario: data}, {Name: "b", Scenario: json.RawMessage(dup)}}}, "", "  ")
	require.NoError(t, err)
	_, err = ParseLibrary("lib.json", file)
	require.EqualError(t, err, "lib.json:237:9: scenarios[1].scenario.seed: repeats the key of line 236, column 9")
	lines := strings.Split(string(file), "\n")
	require.Equal(t, `        "seed": 1,`, lines[235])
	require.Equal(t, `        "seed": 7,`, lines[236])
}

// A comparison's entry keeps its link through export and import; a
// damaged link is refused, located in the file, and nothing is imported.
func TestLibraryFileKeepsComparisons(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(200))
	rec, err := comparisonEntry("cmp", c)
	require.NoError(t, err)
	plain := rec
	plain.Name, plain.Compare = "plain", ""
	file, err := exportLibrary([]storage.SavedScenario{plain})
	require.NoError(t, err)
	require.Contains(t, string(file), `"format": 1`, "no comparison: the format older builds read")
	file, err = exportLibrary([]storage.SavedScenario{plain, rec})
	require.NoError(t, err)
	require.Contains(t, string(file), `"format": 2`)
	items, err := ParseLibrary("lib.json", file)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Empty(t, items[0].Compare)
	assert.Equal(t, rec.Compare, items[1].Compare)
	assert.Equal(t, "cmp", items[1].Name)

	_, err = ParseLibrary("lib.json", []byte(strings.Replace(string(file), `"format": 2`, `"format": 1`, 1)))
	require.ErrorContains(t, err, "scenarios[1].compare: a comparison needs library format 2")

	bad := strings.Replace(string(file), rec.Compare, "s3.nope", 1)
	_, err = ParseLibrary("lib.json", []byte(bad))
	require.ErrorContains(t, err, "scenarios[1].compare: not a comparison's link: ")
	require.Regexp(t, `^lib\.json:\d+:\d+: `, err.Error())
}
