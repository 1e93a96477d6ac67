package sim

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/stretchr/testify/require"
)

// Rewording a message changes no hash: the trace hash covers each message's
// code and typed arguments, and the English is rendered only when shown.
// Every template in the catalogue is reworded here, the pinned runs give
// the pinned hashes all the same, and what is shown is the new wording.
func TestRewordingChangesNoHash(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "pinned-hashes.txt"))
	require.NoError(t, err)

	const mark = "reworded: "
	for _, m := range trace.Messages() {
		t.Cleanup(trace.Reword(m, mark+m.Template()))
	}
	require.Equal(t, string(want), pinnedHashes(t))

	sc, err := scenario.Builtin("blade-failure")
	require.NoError(t, err)
	w, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(300))
	entries, _, _ := w.Trace().After(0, 0)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		require.True(t, strings.HasPrefix(e.Name.String(), mark), e.Name.String())
	}
	var text, jsonl bytes.Buffer
	require.NoError(t, trace.WriteText(&text, entries))
	require.NoError(t, trace.WriteJSONL(&jsonl, entries))
	require.Contains(t, text.String(), "] "+mark+"repair: ")
	require.Contains(t, jsonl.String(), `"name":"`+mark+"monitor: ")
	back, err := trace.ReadJSONL(&jsonl)
	require.NoError(t, err)
	require.Equal(t, canonEntries(entries), back, "JSONL reads back the codes and arguments, whatever the English says")
}

// canonEntries gives every message arguments of its own, as ReadJSONL
// does, so that require.Equal compares what the messages say.
func canonEntries(es []trace.Entry) []trace.Entry {
	own := func(m trace.Message) trace.Message { return trace.NewMessage(m.Code(), m.Args()...) }
	out := make([]trace.Entry, len(es))
	for i, e := range es {
		e.Name, e.Reason = own(e.Name), own(e.Reason)
		e.Events = slices.Clone(e.Events)
		for j := range e.Events {
			e.Events[j].Text = own(e.Events[j].Text)
		}
		out[i] = e
	}
	return out
}
