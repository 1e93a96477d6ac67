package libyaml

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTokenIndexAsMap checks that a tokenIndex answers as the map[int]int
// yaml.v3 used, over random sets, deletes and gets of nearby token numbers,
// before and after it has grown past its slice.
func TestTokenIndexAsMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for run := range 300 {
		var x tokenIndex
		m := map[int]int{}
		keys := 4 + r.IntN(40) // some runs stay small, some grow past tokenIndexSmall
		for op := range 2000 {
			tok := r.IntN(keys)
			switch r.IntN(3) {
			case 0:
				idx := r.IntN(100)
				x.set(tok, idx)
				m[tok] = idx
			case 1:
				x.delete(tok)
				delete(m, tok)
			}
			idx, ok := x.get(tok)
			want, wantOK := m[tok]
			require.Equal(t, wantOK, ok, "run %d op %d token %d", run, op, tok)
			require.Equal(t, want, idx, "run %d op %d token %d", run, op, tok)
		}
		for tok := range keys {
			idx, ok := x.get(tok)
			want, wantOK := m[tok]
			require.Equal(t, wantOK, ok, "run %d token %d", run, tok)
			require.Equal(t, want, idx, "run %d token %d", run, tok)
		}
	}
}
