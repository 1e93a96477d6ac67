package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// The last sweep is kept whole, a copy, and the next replaces it.
func TestMemoryLastSweep(t *testing.T) {
	m := NewMemory(func() int64 { return 7 })
	ctx := context.Background()
	got, err := m.LastSweep(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
	lines := []byte("{\"kind\":\"sweep\"}\n")
	require.NoError(t, m.PutLastSweep(ctx, &SweepRecord{Lines: lines}))
	lines[0] = 'x'
	got, err = m.LastSweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, "{\"kind\":\"sweep\"}\n", string(got.Lines))
	require.NoError(t, m.PutLastSweep(ctx, &SweepRecord{Lines: []byte("2")}))
	got, err = m.LastSweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, "2", string(got.Lines))
	assert.Error(t, m.PutLastSweep(ctx, nil))
}

// The last fill experiment is kept whole, a copy, apart from the last
// sweep, and the next replaces it.
func TestMemoryLastFill(t *testing.T) {
	m := NewMemory(func() int64 { return 7 })
	ctx := context.Background()
	got, err := m.LastFill(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
	data := []byte(`{"v":1}`)
	require.NoError(t, m.PutLastFill(ctx, &FillRecord{Data: data}))
	data[0] = 'x'
	got, err = m.LastFill(ctx)
	require.NoError(t, err)
	assert.Equal(t, `{"v":1}`, string(got.Data))
	sw, err := m.LastSweep(ctx)
	require.NoError(t, err)
	assert.Nil(t, sw, "not a sweep")
	require.NoError(t, m.PutLastFill(ctx, &FillRecord{Data: []byte("2")}))
	got, err = m.LastFill(ctx)
	require.NoError(t, err)
	assert.Equal(t, "2", string(got.Data))
	assert.Error(t, m.PutLastFill(ctx, nil))
}
