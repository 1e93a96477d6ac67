package trace

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const goodLine = `{"seq":1,"id":"1","parent":"0","link":"0","name":"n","reason":"","start":1,"end":2,"infra":false,"severity":"info","events":[{"tick":2,"severity":"info","kind":"line","text":"t","ref":"0"}],"impacts":[{"impact":"read","element":"e"}]}`

func TestReadJSONLRejectsMalformedLines(t *testing.T) {
	tests := []struct {
		name, from, to string
		wantErr        string
	}{
		{"not json", goodLine, `{"seq":`, "line 2: unexpected EOF"},
		{"trailing data", goodLine, goodLine + `}`, "line 2: unexpected \"}\" after the entry"},
		{"two values", goodLine, goodLine + goodLine, "line 2: unexpected"},
		{"unknown field", `"seq":1,`, `"seq":1,"colour":"red",`, `line 2: json: unknown field "colour"`},
		{"missing field", `"reason":"",`, ``, "line 2: reason: missing"},
		{"missing event field", `"text":"t",`, ``, "line 2: events[0].text: missing"},
		{"wrong type", `"start":1`, `"start":"1"`, "line 2: start: cannot use JSON string as int64"},
		{"negative seq", `"seq":1`, `"seq":-1`, "line 2: seq: cannot use JSON number -1 as uint64"},
		{"bad severity", `"severity":"info","events"`, `"severity":"loud","events"`, `line 2: severity: unknown severity "loud"`},
		{"bad event kind", `"kind":"line"`, `"kind":"note"`, `line 2: events[0].kind: unknown kind "note"`},
		{"bad impact", `"impact":"read"`, `"impact":"write"`, `line 2: impacts[0].impact: unknown impact "write"`},
		{"bad id", `"id":"1"`, `"id":"one"`, `line 2: id: bad id "one"`},
		{"id as a number", `"id":"1"`, `"id":1`, "line 2: id: cannot use JSON number as string"},
		{"zero id", `"id":"1"`, `"id":"0"`, "line 2: id: must not be 0"},
		{"infra flag without an infra id", `"infra":false`, `"infra":true`, "line 2: infra: true does not match id 1"},
		{"end before start", `"end":2`, `"end":0`, "line 2: end: 0 is before start 1"},
		{"event outside the span", `"tick":2`, `"tick":3`, "line 2: events[0].tick: 3 is outside"},
		{"ref on a line", `"ref":"0"`, `"ref":"4"`, "line 2: events[0].ref: must be 0 for a line"},
		{"severity not from the lines", `"severity":"info","kind"`, `"severity":"error","kind"`, "line 2: severity: info, but its lines say error"},
		{"empty element", `"element":"e"`, `"element":""`, "line 2: impacts[0].element: must not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(goodLine, tc.from, tc.to, 1)
			require.NotEqual(t, goodLine, bad, "the case changes nothing")
			_, err := ReadJSONL(strings.NewReader(goodLine + "\n" + bad + "\n"))
			require.ErrorContains(t, err, tc.wantErr)
			require.True(t, strings.HasPrefix(err.Error(), "trace: line 2: "), err.Error())
		})
	}
}

func TestReadJSONLAcceptsBlankLinesAndNoFinalNewline(t *testing.T) {
	es, err := ReadJSONL(strings.NewReader("\n" + goodLine + "\r\n\n" + goodLine))
	require.NoError(t, err)
	require.Len(t, es, 2)
	require.Equal(t, []ImpactOn{{Read, "e"}}, es[0].Impacts)

	es, err = ReadJSONL(strings.NewReader(""))
	require.NoError(t, err)
	require.Empty(t, es)
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errors.New("disk full")
	}
	w.n--
	return len(p), nil
}

func TestWritersReportErrors(t *testing.T) {
	es := all(goldenTrace())
	require.EqualError(t, WriteJSONL(&failingWriter{n: 2}, es), "disk full")
	require.EqualError(t, WriteText(&failingWriter{n: 1}, es), "disk full")
}

func TestJSONStringEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\r\t\x00\x1f", `"\n\r\t\u0000\u001f"`},
		{"é€😀", `"é€😀"`},
		{"bad\xffbyte", `"bad\ufffdbyte"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"<&>", `"<&>"`},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, string(appendJSONString(nil, tc.in)), "%q", tc.in)
	}
}

// Entries with nothing in them survive the trip too.
func TestJSONLRoundTripOfBareEntries(t *testing.T) {
	es := []Entry{
		{Seq: 1, ID: 1, Name: "bare", Severity: Info},
		{Seq: 2, ID: SpanID(infraBit | 9), Parent: SpanID(infraBit | 3), Link: LinkID(infraBit | 2), Name: "i", Infra: true, Start: -1, End: -1, Severity: Info},
	}
	var b bytes.Buffer
	require.NoError(t, WriteJSONL(&b, es))
	back, err := ReadJSONL(&b)
	require.NoError(t, err)
	require.Equal(t, es, back)
}
