package trace

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTextOfNothing(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, nil))
	require.Empty(t, b.String())
}

// Input from outside can be inconsistent (a hand-edited file, two runs
// concatenated): every entry is still printed, once, and cycles end.
func TestTextOfInconsistentInput(t *testing.T) {
	child := func(tick int64, ref uint64) Event {
		return Event{Tick: clockTick(tick), Severity: Info, Kind: Child, Text: Text("c"), Ref: ref}
	}
	link := func(ref uint64) Event { return Event{Severity: Info, Kind: Link, Text: Text("l"), Ref: ref} }
	es := []Entry{
		// 1 and 2 are each other's parent and child.
		{Seq: 1, ID: 1, Parent: 2, Name: Text("a"), Severity: Info, Events: []Event{child(0, 2)}},
		{Seq: 2, ID: 2, Parent: 1, Name: Text("b"), Severity: Error, Events: []Event{child(0, 1)}},
		// 3 is started by a link it makes itself.
		{Seq: 3, ID: 3, Link: 4, Name: Text("self"), Severity: Info, Events: []Event{link(4)}},
		// 5 claims 6 as a child twice.
		{Seq: 4, ID: 6, Parent: 5, Name: Text("kid"), Severity: Info},
		{Seq: 5, ID: 5, Name: Text("twice"), Severity: Info, Events: []Event{child(0, 6), child(0, 6)}},
	}
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, es))
	out := b.String()
	for _, name := range []string{"] a (span 1", "] b (span 2", "] self (span 3", "] kid (span 6)", "] twice (span 5)"} {
		require.Equal(t, 1, strings.Count(out, name), "%s in\n%s", name, out)
	}
	require.Contains(t, out, "shown elsewhere: span 6")
	require.Contains(t, out, "@0 [E] a (span 1, parent 2)\n  @0 [E] b (span 2)\n    @0 [I] shown elsewhere: span 1\n")
}
