package app

import (
	"context"
	"encoding/json"
	"testing"

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

	_, err = ParseLibrary("lib.json", []byte(`{"format": 2, "scenarios": []}`))
	assert.ErrorContains(t, err, "library format 2")
	_, err = ParseLibrary("lib.json", []byte(`{"format": 1, "scenarios": [{"name": "x", "scenario": {"format": 2}}]}`))
	assert.ErrorContains(t, err, `lib.json: scenarios[0] "x"`, "one bad scenario: nothing imported, and it is named")
	_, err = ParseLibrary("lib.json", []byte(`nope`))
	assert.ErrorContains(t, err, "not a library file")
}

func TestMemoryConflicts(t *testing.T) {
	m := NewMemory(func() int64 { return 7 })
	ctx := context.Background()
	a, err := m.PutScenario(ctx, SavedScenario{ID: "x", Name: "x", Scenario: []byte("{}")})
	require.NoError(t, err)
	assert.Equal(t, int64(1), a.Rev)
	_, err = m.PutScenario(ctx, SavedScenario{ID: "x", Name: "x", Rev: 0})
	assert.ErrorIs(t, err, ErrConflict)
	_, err = m.PutScenario(ctx, a)
	require.NoError(t, err)
	_, err = m.PutScenario(ctx, a)
	assert.ErrorIs(t, err, ErrConflict, "a second write from the same read loses")
	assert.ErrorIs(t, m.DeleteScenario(ctx, "nope"), ErrNotFound)
}
