package inventory

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParsePacedIsParse: a paced parse gives Parse's definition, reports
// progress in lines that only grows up to the text's lines, and a pace
// error stops it (in the YAML's reading or in the model's building) with
// that error as it is.
func TestParsePacedIsParse(t *testing.T) {
	d, err := Generate(GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 4, BladesPerRack: 20})
	require.NoError(t, err)
	y, err := MarshalYAML(d)
	require.NoError(t, err)
	want, err := Parse("gen.yaml", y)
	require.NoError(t, err)
	lines := lineCount(y)
	stop := errors.New("stop")

	for _, c := range []struct {
		name   string
		stopAt int // the call of pace that returns stop (0: none)
		calls  int // how many calls a whole parse makes, checked when stopAt is 0
	}{
		{name: "whole"},
		{name: "stopped while reading", stopAt: 2},
		{name: "stopped while building the model", stopAt: -1},
		{name: "stopped while checking the model", stopAt: -9}, // after the 8 racks built
	} {
		t.Run(c.name, func(t *testing.T) {
			var calls, last, reading, atTotal int
			got, err := ParsePaced("gen.yaml", y, func(done, total int) error {
				calls++
				require.Equal(t, lines, total)
				require.GreaterOrEqual(t, done, last)
				require.LessOrEqual(t, done, total)
				last = done
				if done < total {
					reading++
				} else {
					atTotal++
				}
				if calls == c.stopAt || (c.stopAt < 0 && atTotal == -c.stopAt) {
					return stop
				}
				return nil
			})
			if c.stopAt == 0 {
				require.NoError(t, err)
				require.Equal(t, want, got)
				require.Positive(t, reading, "progress while the YAML is read")
				require.Equal(t, reading+16, calls, "and twice for each of the 8 racks: built, then checked")
				return
			}
			require.Nil(t, got)
			require.Same(t, stop, err)
		})
	}
}

// TestParsePacedCountsLinesInPieces: a text over a MiB has its lines
// counted a MiB at a time, with pace(0, 0) between two pieces, before the
// reading's progress; a pace error while counting stops the parse.
func TestParsePacedCountsLinesInPieces(t *testing.T) {
	d, err := Generate(GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 60, BladesPerRack: 100})
	require.NoError(t, err)
	y, err := MarshalYAML(d)
	require.NoError(t, err)
	require.Greater(t, len(y), 2*countChunk, "a text of several pieces")
	pieces := (len(y) + countChunk - 1) / countChunk
	lines := lineCount(y)

	var counting, after int
	_, err = ParsePaced("gen.yaml", y, func(done, total int) error {
		if total == 0 {
			require.Zero(t, done)
			require.Zero(t, after, "counting comes first")
			counting++
			return nil
		}
		require.Equal(t, lines, total)
		after++
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, pieces-1, counting, "a pace between two pieces")
	require.Positive(t, after)

	stop := errors.New("stop")
	got, err := ParsePaced("gen.yaml", y, func(done, total int) error { return stop })
	require.Nil(t, got)
	require.Same(t, stop, err, "stopped while counting")
}

// TestParsePiecesIsParse: a text in pieces, cut anywhere (within a
// multi-byte character, in the middle of a bad one, into empty pieces),
// reads as the text whole: the same definition, or the same error at the
// same line and column.
func TestParsePiecesIsParse(t *testing.T) {
	texts := map[string]string{
		"minimal":        minimal,
		"anchored":       anchored,
		"bad UTF-8":      strings.Replace(minimal, "Name:", "Na\xe9me:", 1),
		"cut character":  strings.Replace(minimal, "Notes:", "Notes: é✓😀 ", 1),
		"syntax error":   minimal + "\n  - : [\n",
		"bad at the end": minimal + "\xff",
	}
	for _, name := range slices.Sorted(maps.Keys(texts)) {
		data := []byte(texts[name])
		want, wantErr := Parse("p.yaml", data)
		for cut := 0; cut <= len(data); cut++ {
			for _, pieces := range [][][]byte{
				{data[:cut], data[cut:]},
				{nil, data[:cut], nil, data[cut:], nil},
				{data[:cut/2], data[cut/2 : cut], data[cut:]},
			} {
				got, err := ParsePiecesPaced("p.yaml", pieces, nil)
				require.Equal(t, wantErr, err, "%s cut at %d", name, cut)
				require.Equal(t, want, got, "%s cut at %d", name, cut)
			}
		}
	}
	d, err := Generate(GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 30, BladesPerRack: 100})
	require.NoError(t, err)
	y, err := MarshalYAML(d)
	require.NoError(t, err)
	var pieces [][]byte
	for rest := y; len(rest) > 0; { // pieces of 64 KiB, as a file read a piece at a time
		k := min(len(rest), 64<<10)
		pieces, rest = append(pieces, rest[:k]), rest[k:]
	}
	want, err := Parse("gen.yaml", y)
	require.NoError(t, err)
	var paces, wantPaces []int
	got, err := ParsePiecesPaced("gen.yaml", pieces, func(done, total int) error { paces = append(paces, done, total); return nil })
	require.NoError(t, err)
	_, err = ParsePaced("gen.yaml", y, func(done, total int) error { wantPaces = append(wantPaces, done, total); return nil })
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, wantPaces, paces, "the same progress")
}
