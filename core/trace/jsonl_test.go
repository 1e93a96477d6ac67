package trace

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/strictjson"

	"github.com/stretchr/testify/require"
)

const goodLine = `{"seq":1,"id":"1","parent":"0","link":"0","name":"n","reason":"","start":1,"end":2,"infra":false,"severity":"info","events":[{"tick":2,"severity":"info","kind":"line","text":"t","ref":"0"}],"impacts":[{"impact":"read","element":"e"}]}`

// Each kind of bad line gives an error naming line 2, the column of the
// offending value (checked by the text found there) and its path.
func TestReadJSONLRejectsMalformedLines(t *testing.T) {
	tests := []struct {
		name, from, to string
		wantErr        string
		at             string // what the error's column points at
	}{
		{"not json", goodLine, `{"seq":`, "seq: unexpected end of input", ""},
		{"trailing data", goodLine, goodLine + `}`, "unexpected data after the JSON value", "}"},
		{"two values", goodLine, goodLine + goodLine, "unexpected data after the JSON value", `{"seq"`},
		{"unknown field", `"seq":1,`, `"seq":1,"colour":"red",`, `colour: unknown key (known here: seq, id, parent, link, name, nameCode, nameArgs, reason, reasonCode, reasonArgs, start, end, infra, severity, events, impacts)`, `"colour"`},
		{"repeated field", `"seq":1,`, `"seq":1,"seq":2,`, `seq: repeats the key of line 2, column 2`, `"seq":2`},
		{"case-variant field", `"seq":1,`, `"seq":1,"Seq":2,`, `Seq: repeats the key "seq" of line 2, column 2 (keys match regardless of case)`, `"Seq"`},
		{"missing field", `"reason":"",`, ``, "reason: missing", `{"seq"`},
		{"missing event field", `"text":"t",`, ``, "events[0].text: missing", `{"tick"`},
		{"wrong type", `"start":1`, `"start":"1"`, `start: must be an integer, got "1"`, `"1"`},
		{"negative seq", `"seq":1`, `"seq":-1`, "seq: must be an integer from 0 to 18446744073709551615, got -1", "-1"},
		{"bad severity", `"severity":"info","events"`, `"severity":"loud","events"`, `severity: unknown severity "loud" (want one of debug, info, warning, error, fatal)`, `"loud"`},
		{"bad event kind", `"kind":"line"`, `"kind":"note"`, `events[0].kind: unknown kind "note" (want one of line, child, link)`, `"note"`},
		{"bad impact", `"impact":"read"`, `"impact":"write"`, `impacts[0].impact: unknown impact "write" (want one of read, create, modify, delete, execute)`, `"write"`},
		{"bad id", `"id":"1"`, `"id":"one"`, `id: bad id "one"`, `"one"`},
		{"id as a number", `"id":"1"`, `"id":1`, "id: must be a string, got 1", "1,"},
		{"zero id", `"id":"1"`, `"id":"0"`, "id: must not be 0", `"0"`},
		{"infra flag without an infra id", `"infra":false`, `"infra":true`, "infra: true does not match id 1", "true"},
		{"end before start", `"end":2`, `"end":0`, "end: 0 is before start 1", "0,"},
		{"event outside the span", `"tick":2`, `"tick":3`, "events[0].tick: 3 is outside 1..2 or out of order", "3,"},
		{"ref on a line", `"ref":"0"`, `"ref":"4"`, "events[0].ref: must be 0 for a line", `"4"`},
		{"severity not from the lines", `"severity":"info","kind"`, `"severity":"error","kind"`, "severity: info, but its lines say error", `"info"`},
		{"empty element", `"element":"e"`, `"element":""`, "impacts[0].element: must not be empty", `""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(goodLine, tc.from, tc.to, 1)
			require.NotEqual(t, goodLine, bad, "the case changes nothing")
			_, err := ReadJSONL(strings.NewReader(goodLine + "\n" + bad + "\n"))
			var e *strictjson.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, fmt.Sprintf("trace:2:%d: %s", e.Col, tc.wantErr), err.Error())
			require.Equal(t, 2, e.Line)
			if tc.at == "" {
				require.Equal(t, len(bad)+1, e.Col, "at the end of the line")
			} else {
				require.True(t, strings.HasPrefix(bad[e.Col-1:], tc.at), "column %d: %s", e.Col, bad[e.Col-1:])
			}
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
		{Seq: 1, ID: 1, Name: Text("bare"), Severity: Info},
		{Seq: 2, ID: SpanID(infraBit | 9), Parent: SpanID(infraBit | 3), Link: LinkID(infraBit | 2), Name: Text("i"), Infra: true, Start: -1, End: -1, Severity: Info},
	}
	var b bytes.Buffer
	require.NoError(t, WriteJSONL(&b, es))
	back, err := ReadJSONL(&b)
	require.NoError(t, err)
	require.Equal(t, es, back)
}

// A line from an export before messages (English only) reads as
// preformatted text; a code this build does not define, or arguments that
// do not fit their message, give an error naming the field.
func TestReadJSONLMessages(t *testing.T) {
	es, err := ReadJSONL(strings.NewReader(goodLine))
	require.NoError(t, err)
	require.Equal(t, NewMessage(MsgText, Str("n")), es[0].Name)
	require.Equal(t, "t", es[0].Events[0].Text.String())

	var b bytes.Buffer
	require.NoError(t, WriteJSONL(&b, []Entry{{Seq: 1, ID: 1, Name: NewMessage(testMsgAB, Int(1), Str("x"), Int(2), testEnum.Of(1)), Severity: Info}}))
	line := b.String()
	require.Contains(t, line, `"name":"a 1 b \"x\" c 2 ticks one","nameCode":"test.ab","nameArgs":[{"int":1},{"str":"x"},{"int":2},{"enum":"test.enum","value":1}]`)
	back, err := ReadJSONL(strings.NewReader(line))
	require.NoError(t, err)
	require.Equal(t, "a 1 b \"x\" c 2 ticks one", back[0].Name.String())

	for _, tc := range []struct{ from, to, wantErr string }{
		{`"nameCode":"test.ab"`, `"nameCode":"test.nope"`, `nameCode: unknown message "test.nope"`},
		{`{"int":1},`, ``, "name: message test.ab takes 4 arguments, got 3"},
		{`"value":1`, `"value":7`, "value 7 out of range for enum test.enum"},
		{`{"int":1}`, `{"int":1,"str":"y"}`, "nameArgs[0]: must be one of"},
		{`"enum":"test.enum"`, `"enum":"test.none"`, `nameArgs[3]: unknown enum "test.none"`},
		{`,"nameArgs":[{"int":1},{"str":"x"},{"int":2},{"enum":"test.enum","value":1}]`, ``, "nameArgs: missing"},
	} {
		bad := strings.Replace(line, tc.from, tc.to, 1)
		require.NotEqual(t, line, bad, tc.from)
		_, err := ReadJSONL(strings.NewReader(bad))
		require.ErrorContains(t, err, tc.wantErr)
	}
}
