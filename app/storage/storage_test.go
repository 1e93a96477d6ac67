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
