package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// The tree compose builds must be the tree yaml.v3's decoder builds, as far
// as the schema and locate look at it (kind, line, column, value, tag class,
// alias target), and every text one refuses the other refuses, with the
// same message: Parse read through yaml.v3 before, and reads the same now.

// yamlV3 is what Parse did before compose: the document's root node, or a
// located error made of yaml.v3's.
func yamlV3(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, &Error{Msg: fmt.Sprintf("could not be read as YAML (%v)", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &Error{Msg: "holds no inventory (the document is empty)"}
		}
		return nil, v3SyntaxError(err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &Error{Line: extra.Line, Col: extra.Column, Msg: "holds more than one YAML document"}
	case err != io.EOF:
		return nil, v3SyntaxError(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{Msg: "holds no inventory (the document is empty)"}
	}
	return doc.Content[0], nil
}

var (
	v3Line = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	// The parser's problems (its lines are 0-based). Parse used to match
	// "did not find expected" alone, which its scanner says too ("did not
	// find expected alphabetic or numeric character"): those were reported a
	// line too far.
	v3ParserProblem = regexp.MustCompile(`^(did not find expected (<stream-start>|<document start>|node content|'-' indicator|key|',' or '\]'|',' or '}')|found duplicate %(TAG|YAML) directive|found incompatible YAML document|found undefined tag handle)$`)
)

// v3SyntaxError is how Parse located yaml.v3's errors (the line it prints,
// plus one for its parser's 0-based lines); errors it printed no line for
// are returned with line 0 (Parse said 1, or guessed an alias's line).
func v3SyntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := v3Line.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if v3ParserProblem.MatchString(msg) {
			line++
		}
	}
	return &Error{Line: line, Msg: msg}
}

func v3TagClass(n *yaml.Node) tagClass {
	switch t := n.ShortTag(); t {
	case "!!timestamp":
		if n.Style&yaml.TaggedStyle == 0 {
			return tagStr // see tagStr
		}
		return tagOther
	default:
		return tagClassOf(t)
	}
}

// sameTree compares the tree under a (compose's) with the one under b
// (yaml.v3's), aliases by their targets' positions.
func sameTree(t testing.TB, a node, b *yaml.Node, comments bool) {
	t.Helper()
	where := fmt.Sprintf("node at %d:%d", b.Line, b.Column)
	if !comments || b.Kind != yaml.ScalarNode || b.Value != "" || b.Style != 0 {
		// An empty scalar left implicit ("? a", "a:") takes its position from
		// the token after it, which yaml.v3 may move onto a comment line.
		require.Equal(t, [2]int{b.Line, b.Column}, [2]int{a.line(), a.col()}, where)
	}
	switch b.Kind {
	case yaml.ScalarNode:
		require.Equal(t, scalarNode, a.kind(), where)
		require.Equal(t, b.Value, a.value(), where)
		require.Equal(t, v3TagClass(b), a.tag(), "%s: %q %s", where, b.Value, b.ShortTag())
	case yaml.AliasNode:
		require.Equal(t, aliasNode, a.kind(), where)
		require.Equal(t, b.Value, a.value(), where)
		require.Equal(t, [2]int{b.Alias.Line, b.Alias.Column}, [2]int{a.alias().line(), a.alias().col()}, where)
	case yaml.MappingNode, yaml.SequenceNode:
		k := mappingNode
		if b.Kind == yaml.SequenceNode {
			k = sequenceNode
		}
		require.Equal(t, k, a.kind(), where)
		children := a.content()
		require.Len(t, children, len(b.Content), where)
		for i, c := range b.Content {
			sameTree(t, children[i], c, comments)
		}
	default:
		t.Fatalf("%s: kind %v", where, b.Kind)
	}
}

// limitMessages are compose's own refusals, which yaml.v3 has no part in.
var limitMessages = regexp.MustCompile(`^(nests more than|holds more than \d+ YAML nodes|expands to more than|defines more than|anchor &.* contains an alias to itself|has a value longer than|is not valid UTF-|holds a NUL|holds character U\+)`)

func checkComposeMatchesYAMLv3(t testing.TB, data []byte) {
	t.Helper()
	got, gotErr := compose([][]byte{data}, nil, 0)
	want, wantErr := yamlV3(data)
	if gotErr != nil {
		var e *Error
		require.ErrorAs(t, gotErr, &e)
		if limitMessages.MatchString(e.Msg) {
			return // a refusal of compose's own (yaml.v3 accepts, or refuses with a worse message)
		}
		require.Error(t, wantErr, "compose refuses what yaml.v3 reads: %v", gotErr)
		var w *Error
		require.ErrorAs(t, wantErr, &w)
		if bytes.Contains(data, []byte("#")) && (w.Msg != e.Msg || w.Line != e.Line) {
			// yaml.v3 keeps a sequence entry's head comment by peeking at
			// the next token and ignoring a failure there; the next peek
			// scans again after the error and may report another one,
			// further on. This parser keeps no comments, so reports the
			// first.
			return
		}
		require.Equal(t, w.Msg, e.Msg)
		if w.Line != 0 || w.Msg == "holds more than one YAML document" {
			require.Equal(t, [2]int{w.Line, w.Col}, [2]int{e.Line, e.Col}, "%v", gotErr)
		}
		return
	}
	if wantErr != nil {
		var w *Error
		require.ErrorAs(t, wantErr, &w)
		if strings.HasPrefix(w.Msg, "could not be read as YAML") {
			return // yaml.v3 panicked (its comment handling); we read it
		}
		t.Fatalf("compose reads what yaml.v3 refuses: %v", wantErr)
	}
	sameTree(t, got, want, bytes.Contains(data, []byte("#")))
}

func composeCorpus(t testing.TB) [][]byte {
	var out [][]byte
	for _, pattern := range []string{"testdata/original/*.yaml", "testdata/field/*.yaml", "testdata/reliability/*.yaml"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, name := range files {
			data, err := os.ReadFile(name)
			require.NoError(t, err)
			out = append(out, data)
		}
	}
	for _, s := range []string{minimal, anchored,
		"Regions: &r [*r]\n", "a: &a {<<: *a}\n", "", "# only a comment\n", "---\n", "--- a\n--- b\n", "a: 1\n---\nb: *x\n",
		"a: &x 1\n---\nb: *x\n", "a: b: c\n", "Regions:\n\t- Name: a\n", "[a, {b: c}, [d]]\n", "{? a : b, c: }\n",
		"- !!int 12\n- !!str 12\n- !foo bar\n- ! 12\n- '12'\n- \"x\\ty\"\n- |\n  lit\n- >\n  fold\n",
		"- 0x1F\n- 0o17\n- 0b101\n- -0b101\n- 1_000\n- +12\n- 1e3\n- .5\n- .inf\n- ~\n- null\n- true\n- False\n- yes\n- <<\n- 2001-12-14\n- 12:30\n- 99999999999999999999\n- 18446744073709551615\n- '0x1'\n",
		"a: &a [1, 2]\nb: *a\nc: {<<: *a}\n", "a: 1 # c\n# d\n\n# e\nb:\n  # f\n  - 1 # g\n  # h\n", "\xef\xbb\xbfa: 1\n",
		"a: 'x\n  y'\nb: \"p\\\n  q\"\n", "? [a]\n: b\n", "- &a a\n- &a b\n- *a\n",
	} {
		out = append(out, []byte(s))
	}
	return out
}

func TestComposeMatchesYAMLv3(t *testing.T) {
	for i, data := range composeCorpus(t) {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkComposeMatchesYAMLv3(t, data) })
	}
}

func FuzzComposeMatchesYAMLv3(f *testing.F) {
	for _, data := range composeCorpus(f) {
		if len(data) <= 20_000 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkComposeMatchesYAMLv3(t, data) })
}

func TestComposeErrorsOfItsOwn(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"a: *nope\n", "line 1: unknown anchor 'nope' referenced"},
		{"a: x\nb: [1, *nope]\n", "line 2: unknown anchor 'nope' referenced"},
		{"a: &a [1, [2, *a]]\n", "line 1:4: anchor &a contains an alias to itself"},
		{"Regions: " + strings.Repeat("[", 201) + strings.Repeat("]", 201) + "\n", "line 1:210: nests more than 200 levels deep"},
		{"a: 1\n---\nb: 2\n", "line 2:1: holds more than one YAML document"},
		{"a: 1\n---\nb: [\n", "line 4: did not find expected node content"},
	} {
		_, err := compose([][]byte{[]byte(c.yaml)}, nil, 0)
		require.EqualError(t, err, c.want, "%q", c.yaml)
	}
	var e *Error
	_, err := compose([][]byte{[]byte("a: 1\n")}, nil, 0)
	require.False(t, errors.As(err, &e))

	// A text of nothing but tiny nodes: one per 2 bytes, more than it may.
	nulls := "Regions:\n" + strings.Repeat("-\n", 13000)
	_, err = compose([][]byte{[]byte(nulls)}, nil, 0)
	require.EqualError(t, err, fmt.Sprintf("line 12764:2: holds more than 12765 YAML nodes, more than a file of %d bytes may hold (one per 3 bytes, at most %d); refusing it", len(nulls), YAMLNodesMax))

	var b strings.Builder
	b.WriteString("a: [")
	for i := range anchorsMax + 1 {
		fmt.Fprintf(&b, "&a%d x, ", i)
	}
	b.WriteString("y]\n")
	_, err = compose([][]byte{[]byte(b.String())}, nil, 0)
	last := strings.LastIndex(b.String(), fmt.Sprintf("&a%d ", anchorsMax)) + 1 // the node defining one too many
	require.EqualError(t, err, fmt.Sprintf("line 1:%d: defines more than %d anchors; refusing it", last, anchorsMax))
}
