package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The types below cover what encoding/json decodes into: nested structs,
// embedded and shadowed fields, pointers, slices, fixed arrays, maps, any,
// raw messages, types with UnmarshalJSON and UnmarshalText, numbers of
// every size, json.Number, []byte and ",string".

type inner struct {
	N int8    `json:"n"`
	U uint16  `json:"u"`
	F float32 `json:"f"`
	S string  `json:"s,omitempty"`
	B bool
	P *inner `json:"p,omitempty"`
}

type Embedded struct {
	E      int    `json:"e"`
	Shadow string `json:"shadow"`
}

type sample struct {
	Embedded
	Name    string          `json:"name"`
	List    []inner         `json:"list"`
	Arr     [2]int          `json:"arr"`
	Map     map[string]int  `json:"map"`
	Any     any             `json:"any"`
	Raw     json.RawMessage `json:"raw"`
	Level   level           `json:"level"`
	Color   color           `json:"color"`
	Num     json.Number     `json:"num"`
	Bytes   []byte          `json:"bytes"`
	Ptr     *int            `json:"ptr"`
	PLevel  *level          `json:"plevel"`
	Shadow  int             `json:"shadow"` // hides Embedded.Shadow
	Skip    int             `json:"-"`
	Quoted  int             `json:"quoted,string"`
	private int
}

// level reads "low" or "high" through UnmarshalJSON; null is refused, as
// some of the product's types do.
type level uint8

func (l *level) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"low"`:
		*l = 1
	case `"high"`:
		*l = 2
	default:
		return fmt.Errorf("level: %s is not low or high", b)
	}
	return nil
}

// color reads a name through UnmarshalText.
type color string

func (c *color) UnmarshalText(b []byte) error {
	switch string(b) {
	case "red", "green":
		*c = color(b)
		return nil
	}
	return fmt.Errorf("unknown color %q", b)
}

const good = `{
  "e": 1,
  "name": "x",
  "list": [{"n": -128, "u": 65535, "f": 1.5, "s": "s", "B": true, "p": {"n": 1}}],
  "arr": [1, 2],
  "map": {"a": 1, "b": 2},
  "any": {"k": [1, "two", null, true, {"x": {}}]},
  "raw": {"anything": [1, 2]},
  "level": "high",
  "color": "red",
  "num": 12.5e3,
  "bytes": "aGVsbG8=",
  "ptr": 7,
  "plevel": null,
  "shadow": 3,
  "quoted": "42"
}`

func TestDecodeGivesWhatEncodingJSONGives(t *testing.T) {
	for _, in := range []string{
		good,
		`{}`,
		` {"NAME": "case-insensitive, as encoding/json matches keys"} `,
		`{"list": null, "map": null, "any": null, "ptr": null, "plevel": null}`,
		`{"num": "12", "bytes": null, "arr": [1]}`,
		"{\"name\": \"\\u00e9\\ud83d\\ude00\"}\n",
	} {
		var got, want sample
		require.NoError(t, Decode("in.json", []byte(in), &got), in)
		require.NoError(t, json.Unmarshal([]byte(in), &want), in)
		require.Equal(t, want, got, in)
	}
	var s sample
	require.NoError(t, Decode("in.json", []byte(good), &s))
	require.Equal(t, level(2), s.Level)
	require.Equal(t, 3, s.Shadow)
	require.Equal(t, "", s.Embedded.Shadow)
	require.Equal(t, 42, s.Quoted)
}

// A null where encoding/json would leave the value as it was ("seed":
// null ran as seed 0) is refused; where it sets a pointer, a slice, a map
// or an interface to nil, it is read.
func TestNullOnlyWhereItMeansNil(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"name": null}`, `in.json:1:10: name: null is not a value here (a string); leave the key out for its default`},
		{`{"color": null}`, `in.json:1:11: color: null is not a value here (a string); leave the key out for its default`},
		{`{"list": [{"n": null}]}`, `in.json:1:17: list[0].n: null is not a value here (an integer); leave the key out for its default`},
		{`{"arr": [null, 1]}`, `in.json:1:10: arr[0]: null is not a value here (an integer); leave the key out for its default`},
	} {
		var s sample
		require.EqualError(t, Decode("in.json", []byte(c.in), &s), c.want, c.in)
	}
}

// TestDecodeErrors gives each kind of error and checks the exact message:
// name, line, column, path and what is wrong.
func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		kind Kind
		want string
	}{
		{"empty", "", Syntax, "in.json:1:1: no JSON value (the input is empty)"},
		{"white space only", "\n  \n", Syntax, "in.json:3:1: no JSON value (the input is empty)"},
		{"bad character", "{\n  \"name\": x\n}", Syntax, "in.json:2:11: name: invalid character 'x' looking for beginning of value"},
		{"missing colon", "{\"name\" \"x\"}", Syntax, `in.json:1:9: name: invalid character '"' after object key`},
		{"missing comma", "{\"list\": [{\"n\": 1} {\"n\": 2}]}", Syntax, "in.json:1:20: list[0]: invalid character '{' after array element"},
		{"bad literal", "{\"list\": [{\"B\": tru}]}", Syntax, "in.json:1:20: list[0].B: invalid character '}' in literal true (expecting 'e')"},
		{"control character in a string", "{\"name\": \"a\x01\"}", Syntax, `in.json:1:12: name: invalid character '\x01' in string literal`},
		{"cut short", "{\"list\": [{\"n\": 1", Syntax, "in.json:1:18: list[0].n: unexpected end of input"},
		{"cut short in a string", "{\"name\": \"abc", Syntax, "in.json:1:14: name: unexpected end of input"},
		{"trailing data", "{}\n {}", Trailing, "in.json:2:2: unexpected data after the JSON value"},
		{"trailing garbage", "{} x", Trailing, "in.json:1:4: unexpected data after the JSON value"},
		{"repeated key", "{\n \"name\": \"a\",\n \"name\": \"b\"\n}", Repeated, "in.json:3:2: name: repeats the key of line 2, column 2"},
		{"repeated nested key", "{\"list\": [{}, {\"n\": 1,\n  \"n\": 2}]}", Repeated, "in.json:2:3: list[1].n: repeats the key of line 1, column 16"},
		{"repeated key in a map", `{"map": {"a": 1, "a": 2}}`, Repeated, "in.json:1:18: map.a: repeats the key of line 1, column 10"},
		{"repeated key in any", `{"any": [{"k": 1, "k": 1}]}`, Repeated, "in.json:1:19: any[0].k: repeats the key of line 1, column 11"},
		{"repeated key in a raw message", `{"raw": {"k": 1, "k": 1}}`, Repeated, "in.json:1:18: raw.k: repeats the key of line 1, column 10"},
		{"case-variant key", "{\"name\": \"a\", \"Name\": \"b\"}", Case, `in.json:1:15: Name: repeats the key "name" of line 1, column 2 (keys match regardless of case)`},
		{"case-variant key in a map", `{"map": {"a": 1, "A": 2}}`, Case, `in.json:1:18: map.A: repeats the key "a" of line 1, column 10 (keys match regardless of case)`},
		{"unicode case folding", "{\"map\": {\"\u212a\": 1, \"k\": 2}}", Case, `in.json:1:18: map.k: repeats the key "` + "\u212a" + `" of line 1, column 10 (keys match regardless of case)`},
		{"unknown key", "{\"name\": \"a\",\n \"nmae\": 1}", Unknown, "in.json:2:2: nmae: unknown key (known here: e, name, list, arr, map, any, raw, level, color, num, bytes, ptr, plevel, shadow, quoted)"},
		{"unknown nested key", `{"list": [{"q": 1}]}`, Unknown, "in.json:1:12: list[0].q: unknown key (known here: n, u, f, s, B, p)"},
		{"skipped field", `{"Skip": 1}`, Unknown, "in.json:1:2: Skip: unknown key (known here: e, name, list, arr, map, any, raw, level, color, num, bytes, ptr, plevel, shadow, quoted)"},
		{"string for a number", `{"e": "1"}`, Type, `in.json:1:7: e: must be an integer, got "1"`},
		{"fraction for an integer", `{"list": [{"n": 2.5}]}`, Type, "in.json:1:17: list[0].n: must be an integer, got 2.5"},
		{"integer too big", `{"list": [{"n": 128}]}`, Type, "in.json:1:17: list[0].n: must be an integer from -128 to 127, got 128"},
		{"negative unsigned", `{"list": [{"u": -1}]}`, Type, "in.json:1:17: list[0].u: must be an integer from 0 to 65535, got -1"},
		{"float too big", `{"list": [{"f": 1e39}]}`, Type, "in.json:1:17: list[0].f: must be a number that fits a 32-bit float, got 1e39"},
		{"number for a string", `{"name": 5}`, Type, "in.json:1:10: name: must be a string, got 5"},
		{"object for a list", `{"list": {}}`, Type, "in.json:1:10: list: must be an array, got an object"},
		{"list for an object", `[]`, Type, "in.json:1:1: must be an object, got an array"},
		{"array too long", `{"arr": [1, 2, 3]}`, Type, "in.json:1:16: arr: has more than 2 entries"},
		{"bool for a text type", `{"color": true}`, Type, "in.json:1:11: color: must be a string, got true"},
		{"long string quoted short", `{"e": "` + strings.Repeat("a", 50) + `"}`, Type, `in.json:1:7: e: must be an integer, got "` + strings.Repeat("a", 40) + `..."`},
		{"bad base64", `{"bytes": "***"}`, Type, "in.json:1:11: bytes: must be base64 text: illegal base64 data at input byte 0"},
		{"bad json.Number", `{"num": "12x"}`, Type, `in.json:1:9: num: must be a number, got "12x"`},
		{"UnmarshalJSON refuses", "{\n\"level\": \"mid\"}", Invalid, `in.json:2:10: level: "mid" is not low or high`},
		{"UnmarshalJSON refuses null", `{"level": null}`, Invalid, "in.json:1:11: level: null is not low or high"},
		{"UnmarshalText refuses", `{"color": "blue"}`, Invalid, `in.json:1:11: color: unknown color "blue"`},
		{"columns count characters", "{\"name\": \"\u00e9\u00e9\", \"e\": x}", Syntax, "in.json:1:21: e: invalid character 'x' looking for beginning of value"},
		{"tab is one column", "{\t\"e\":\t\"1\"}", Type, `in.json:1:8: e: must be an integer, got "1"`},
		{"carriage returns", "{\r\n\"e\": \"1\"}", Type, `in.json:2:6: e: must be an integer, got "1"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s sample
			err := Decode("in.json", []byte(c.in), &s)
			require.EqualError(t, err, c.want)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, c.kind, e.Kind, e.Kind.String())
		})
	}
}

func TestRepeatedKeyNamesBothPlaces(t *testing.T) {
	var s sample
	err := Decode("in.json", []byte("{\n  \"map\": {\"a\": 1,\n    \"b\": 2, \"a\": 3}}"), &s)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, Error{Name: "in.json", Line: 3, Col: 13, Path: "map.a", Kind: Repeated,
		Msg: "repeats the key", FirstLine: 2, FirstCol: 11}, *e)
	require.EqualError(t, e, "in.json:3:13: map.a: repeats the key of line 2, column 11")
}

// Objects with many keys switch from a list to a map of folded keys.
func TestRepeatedKeyInALargeObject(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"map": {`)
	for i := range 40 {
		fmt.Fprintf(&b, `"k%d": %d, `, i, i)
	}
	b.WriteString(`"K17": 0}}`)
	var s sample
	err := Decode("in.json", []byte(b.String()), &s)
	require.ErrorContains(t, err, `map.K17: repeats the key "k17" of line 1, column 177 (keys match regardless of case)`)
	var ok sample
	require.NoError(t, Decode("in.json", []byte(strings.Replace(b.String(), `"K17"`, `"K40"`, 1)), &ok))
	require.Len(t, ok.Map, 41)
}

func TestDecodeKnownSkipsUnknownKeys(t *testing.T) {
	var head struct {
		Format *int `json:"format"`
	}
	require.NoError(t, DecodeKnown("in.json", []byte(`{"format": 3, "later": {"x": [1]}}`), &head))
	require.Equal(t, 3, *head.Format)
	err := DecodeKnown("in.json", []byte(`{"format": 3, "later": {"x": 1, "X": 2}}`), &head)
	require.EqualError(t, err, `in.json:1:33: later.X: repeats the key "x" of line 1, column 25 (keys match regardless of case)`)
	require.ErrorContains(t, DecodeKnown("in.json", []byte(`{"format": 3} 1`), &head), "unexpected data after the JSON value")
	require.ErrorContains(t, Decode("in.json", []byte(`{"format": 3, "later": 1}`), &head), "later: unknown key (known here: format)")
}

func TestDecodeNeedsAPointer(t *testing.T) {
	var s sample
	require.ErrorContains(t, Decode("in.json", []byte(`{}`), s), "needs a non-nil pointer")
	require.ErrorContains(t, Decode("in.json", []byte(`{}`), (*sample)(nil)), "needs a non-nil pointer")
}

func TestTopLevelArraysAndScalars(t *testing.T) {
	var list []inner
	require.NoError(t, Decode("w", []byte(`[{"n": 1}, {"n": 2}]`), &list))
	require.Len(t, list, 2)
	require.EqualError(t, Decode("w", []byte(`[{"n": 1}, {"m": 2}]`), &list), "w:1:13: [1].m: unknown key (known here: n, u, f, s, B, p)")
	var n int
	require.NoError(t, Decode("n", []byte(" 12 "), &n))
	require.Equal(t, 12, n)
	var a any
	require.EqualError(t, Decode("a", []byte(`[{"a": {"b": 1, "b": 2}}]`), &a), "a:1:17: [0].a.b: repeats the key of line 1, column 9")
}

func TestKeysThatNeedQuotingInPaths(t *testing.T) {
	var m map[string]map[string]int
	err := Decode("m", []byte(`{"a.b": {"x": 1, "x": 2}}`), &m)
	require.EqualError(t, err, `m:1:18: ["a.b"].x: repeats the key of line 1, column 10`)
	line, col, found := Position([]byte(`{"a.b": {"x": 1}}`), `["a.b"].x`)
	require.Equal(t, []any{1, 15, `["a.b"].x`}, []any{line, col, found})
}

func TestPosition(t *testing.T) {
	data := []byte("{\n  \"control\": {\n    \"monitor\": {\"suspectAfter\": 5},\n    \"list\": [1, {\"a\": [true, {\"b\": null}]}]\n  }\n}")
	for _, c := range []struct {
		path, found string
		line, col   int
	}{
		{"", "", 1, 1},
		{"control", "control", 2, 14},
		{"control.monitor.suspectAfter", "control.monitor.suspectAfter", 3, 33},
		{"CONTROL.Monitor.suspectafter", "CONTROL.Monitor.suspectafter", 3, 33},
		{"control.list[1].a[1].b", "control.list[1].a[1].b", 4, 36},
		{"control.monitor.failAfter", "control.monitor", 3, 16},
		{"control.list[5]", "control.list", 4, 13},
		{"control.list.x", "control.list", 4, 13},
	} {
		line, col, found := Position(data, c.path)
		require.Equal(t, []any{c.line, c.col, c.found}, []any{line, col, found}, c.path)
	}
	line, col, found := Position(data, "control..x")
	require.Equal(t, []any{0, 0, ""}, []any{line, col, found}, "a path that cannot be read")
	line, col, found = Position([]byte(`{"a": [1, 2`), "a[1]")
	require.Equal(t, []any{0, 0, ""}, []any{line, col, found}, "not JSON")
}

func TestPlace(t *testing.T) {
	data := []byte("{\n  \"control\": {\"sampleEvery\": -1,\n  \"rules\": {\"rules\": [{}, {\n    \"name\": \"x\"}]}}\n}")
	for _, c := range []struct {
		err  string
		want string
	}{
		{"control.sampleEvery: must be >= 0, got -1", "s.json:2:30: control.sampleEvery: must be >= 0, got -1"},
		{"control.sampleEvery must be >= 0, got -1", "s.json:2:30: control.sampleEvery: must be >= 0, got -1"},
		{`control.rules: rules[1] "x": choices is empty`, `s.json:3:27: control.rules: rules[1] "x": choices is empty`},
		{"control.workloads: missing", "s.json:2:14: control.workloads: missing"},
		{"format: must be 2", "s.json:1:1: format: must be 2"},
		{"no path here: at all", "s.json: no path here: at all"},
		{"word then text", "s.json: word then text"},
	} {
		e := Place("s.json", data, errors.New(c.err))
		require.EqualError(t, e, c.want, c.err)
		require.Equal(t, Invalid, e.Kind)
		require.EqualError(t, e.Err, c.err)
	}
	already := &Error{Name: "x", Msg: "kept"}
	require.Same(t, already, Place("s.json", data, already))
}

func TestWithin(t *testing.T) {
	inner := []byte("{\"seed\": 1,\n \"seed\": 2}")
	outer := []byte("{\"scenarios\": [\n  {\"scenario\": {\"seed\": 1,\n \"seed\": 2}}]}")
	var v map[string]any
	err := Decode("lib.json", inner, &v)
	var e *Error
	require.ErrorAs(t, err, &e)
	line, col, _ := Position(outer, "scenarios[0].scenario")
	e.Within("lib.json", line, col, "scenarios[0].scenario")
	require.EqualError(t, e, "lib.json:3:2: scenarios[0].scenario.seed: repeats the key of line 2, column 17")
	var lib struct {
		Scenarios []struct{ Scenario json.RawMessage }
	}
	require.EqualError(t, Decode("lib.json", outer, &lib), "lib.json:3:2: scenarios[0].scenario.seed: repeats the key of line 2, column 17",
		"the same place as the outer decode finds")

	whole := &Error{Msg: "not a scenario"}
	whole.Within("lib.json", 2, 17, "scenarios[0].scenario")
	require.EqualError(t, whole, "lib.json:2:17: scenarios[0].scenario: not a scenario")
}

func TestFoldMatchesEncodingJSON(t *testing.T) {
	// encoding/json stores a key into the field whose name folds to the
	// same: the pairs Decode refuses are exactly those.
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"seed", "Seed", true}, {"seed", "SEED", true}, {"seed", "seeds", false},
		{"k", "\u212a", true}, {"s", "\u017f", true}, {"\u00e9", "\u00c9", true}, {"a_b", "a-b", false}, {"", "", true},
	} {
		require.Equal(t, c.same, foldEqual(c.a, c.b), "%q %q", c.a, c.b)
		require.Equal(t, c.same, fold(c.a) == fold(c.b), "%q %q", c.a, c.b)
		typ := reflect.StructOf([]reflect.StructField{{Name: "F", Type: reflect.TypeFor[int](), Tag: reflect.StructTag(`json:"` + c.a + `"`)}})
		if c.a == "" || !validTag(c.a) {
			continue
		}
		p := reflect.New(typ)
		require.NoError(t, json.Unmarshal([]byte(`{"`+c.b+`": 5}`), p.Interface()))
		require.Equal(t, c.same, p.Elem().Field(0).Int() == 5, "encoding/json matches %q to %q", c.b, c.a)
	}
}

// FuzzDecode: Decode never panics; what it accepts decodes to the value
// encoding/json gives; what it refuses for a reason other than its own
// rules (repeated keys, keys equal but for case, arrays too long for a Go
// array) encoding/json refuses too; and every error is located.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(`{"name": "a", "Name": "b"}`))
	f.Add([]byte(`{"map": {"a": 1, "a": 2}}`))
	f.Add([]byte(`{"list": [{"n": 1, "p": {"p": {"u": 3}}}]}`))
	f.Add([]byte(`{"level": "low", "color": "green", "quoted": "7"} `))
	f.Add([]byte(`[1, 2]`))
	f.Add([]byte(`{"arr": [1, 2, 3]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		Position(data, "list[0].p.n")
		var got sample
		err := Decode("f.json", data, &got)
		var want sample
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		jerr := dec.Decode(&want)
		if jerr == nil && dec.More() {
			jerr = errors.New("trailing data")
		}
		if jerr == nil {
			var rest any
			if dec.Decode(&rest) == nil || strings.TrimSpace(string(data[dec.InputOffset():])) != "" {
				jerr = errors.New("trailing data")
			}
		}
		if err == nil {
			if jerr != nil {
				t.Fatalf("accepted what encoding/json refuses (%v):\n%s", jerr, data)
			}
			var plain sample
			if uerr := json.Unmarshal(data, &plain); uerr != nil || !reflect.DeepEqual(got, plain) {
				t.Fatalf("decoded differently from encoding/json (%v):\n%s\n%#v\n%#v", uerr, data, got, plain)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("not an *Error: %v", err)
		}
		if e.Line < 1 || e.Col < 1 || e.Name != "f.json" {
			t.Fatalf("not located: %v", err)
		}
		own := e.Kind == Repeated || e.Kind == Case || strings.HasPrefix(e.Msg, "has more than") || strings.HasPrefix(e.Msg, "null is not a value here")
		if !own && jerr == nil {
			t.Fatalf("refused what encoding/json accepts, not by its own rules: %v\n%s", err, data)
		}
		var a any
		_ = Decode("f.json", data, &a) // any target: no panic either
		Position(data, "list[0].p.n")
	})
}
