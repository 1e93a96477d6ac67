package libyaml

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// events reads input's events (as text) and the error that ends them, if
// any, read from pieces of it, with the runs read at once (the reader's ASCII, skip_spaces,
// read_plain_run) or, with noRuns, a character at a time as yaml.v3 does.
func events(input []byte, valueMax int, runs bool) []string {
	noRuns = !runs
	defer func() { noRuns = false }()
	var pieces [][]byte // in pieces of 97 bytes, so runs also meet the pieces' ends
	for rest := input; len(rest) > 0; {
		k := min(len(rest), 97)
		pieces, rest = append(pieces, rest[:k]), rest[k:]
	}
	p := NewPiecesParser(pieces, valueMax)
	var out []string
	var ev Event
	for range 200_000 {
		if err := p.Next(&ev); err != nil {
			return append(out, fmt.Sprintf("error %#v", err))
		}
		out = append(out, fmt.Sprintf("%v %d:%d a=%q t=%q v=%q plain=%v", ev.Kind, ev.Line, ev.Column, ev.Anchor, ev.Tag, ev.Value, ev.Plain))
		if ev.Kind == StreamEnd {
			break
		}
	}
	return out
}

// fragments are what the random texts are made of: blanks, breaks of every
// kind, indicators, scalars of each style, non-ASCII and invalid bytes,
// and runs long enough to cross the reader's 512-byte chunks.
var fragments = []string{
	" ", "  ", "    ", "\t", "\n", "\n", "\r\n", "\r", "a", "abc", "x1", "0", ":", ": ", ":x", ",", "?", "? ",
	"[", "]", "{", "}", "#", " # c\n", "-", "- ", "---\n", "...\n", "'q'", "\"d\\n\"", "&a ", "*a", "!t ", "!!str ",
	"|\n", ">\n", "é", "😀", "\u2028", "\u2029", "\xc2\x85", "\xff", "\xc3", "\x00", "\x01", "\x7f", "\ufeff",
	"key: value\n", "  - {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 0}}\n",
	strings.Repeat("x", 600), strings.Repeat(" ", 600), strings.Repeat("ab:c#", 130),
}

func randomText(r *rand.Rand) []byte {
	var b strings.Builder
	if r.IntN(20) == 0 {
		b.WriteString("\ufeff")
	}
	for range r.IntN(60) {
		b.WriteString(fragments[r.IntN(len(fragments))])
	}
	return []byte(b.String())
}

// TestRunsAsOneByOne checks that reading runs of characters at once gives
// the events, marks and errors yaml.v3's character-at-a-time code gives:
// on random texts, on the inventory test files, and on those files with
// random fragments put in, each with and without a small value limit.
func TestRunsAsOneByOne(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var inputs [][]byte
	for range 3000 {
		inputs = append(inputs, randomText(r))
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		inputs = append(inputs, data)
		for range 20 {
			at := r.IntN(len(data) + 1)
			mutated := append(append(append([]byte{}, data[:at]...), fragments[r.IntN(len(fragments))]...), data[at:]...)
			inputs = append(inputs, mutated)
		}
	}
	for i, in := range inputs {
		for _, max := range []int{0, 7, 1 << 20} {
			want, got := events(in, max, false), events(in, max, true)
			require.Equal(t, want, got, "input %d (value limit %d): %q", i, max, in)
		}
	}
}

// FuzzRunsAsOneByOne is TestRunsAsOneByOne on fuzzed texts.
func FuzzRunsAsOneByOne(f *testing.F) {
	for _, s := range fragments {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, max := range []int{0, 7} {
			require.Equal(t, events(in, max, false), events(in, max, true))
		}
	})
}
