package trace

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// WriteJSONL writes entries as JSON Lines: one object per entry, fields in a
// fixed order with lowerCamelCase names, enums by name and ids as strings
// ("12", or "i12" for infrastructure: see SpanID.String). Every field is
// always present, so two exports diff line by line:
//
//	{"seq":1,"id":"1","parent":"0","link":"0",
//	 "name":"power on region1/zone1/rack1/pdu/0","nameCode":"hardware.power","nameArgs":[{"enum":"onoff","value":1},{"str":"region1/zone1/rack1/pdu/0"}],
//	 "reason":"","reasonCode":"","reasonArgs":[],
//	 "start":3,"end":3,"infra":false,"severity":"info",
//	 "events":[{"tick":3,"severity":"info","kind":"line","text":"on","code":"text","args":[{"str":"on"}],"ref":"0"}],
//	 "impacts":[{"impact":"modify","element":"region1/zone1/rack1/pdu/0"}]}
//
// (on one line). Each message is written twice: its English as rendered now
// (name, reason, text), and its code and typed arguments, an argument being
// one of {"int":-3}, {"uint":3}, {"str":"…"}, {"enum":"key","value":1} or
// {"msg":"key","n":2}, a message as an argument whose n arguments follow.
// ReadJSONL reads the codes and arguments and ignores the English, so a
// reworded template reads back fine. Strings must be valid UTF-8 to
// round-trip: invalid bytes are written as U+FFFD, as encoding/json does.
func WriteJSONL(w io.Writer, entries []Entry) error {
	var b []byte
	for i := range entries {
		b = appendJSON(b[:0], &entries[i])
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func appendJSON(b []byte, e *Entry) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"id":"`...)
	b = appendID(b, uint64(e.ID))
	b = append(b, `","parent":"`...)
	b = appendID(b, uint64(e.Parent))
	b = append(b, `","link":"`...)
	b = appendID(b, uint64(e.Link))
	b = append(b, `","name":`...)
	b = appendJSONMessage(b, e.Name, `,"nameCode":`, `,"nameArgs":[`)
	b = append(b, `,"reason":`...)
	b = appendJSONMessage(b, e.Reason, `,"reasonCode":`, `,"reasonArgs":[`)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(e.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(e.End), 10)
	b = append(b, `,"infra":`...)
	b = strconv.AppendBool(b, e.Infra)
	b = append(b, `,"severity":"`...)
	b = append(b, e.Severity.String()...)
	b = append(b, `","events":[`...)
	for i := range e.Events {
		ev := &e.Events[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"tick":`...)
		b = strconv.AppendInt(b, int64(ev.Tick), 10)
		b = append(b, `,"severity":"`...)
		b = append(b, ev.Severity.String()...)
		b = append(b, `","kind":"`...)
		b = append(b, ev.Kind.String()...)
		b = append(b, `","text":`...)
		b = appendJSONMessage(b, ev.Text, `,"code":`, `,"args":[`)
		b = append(b, `,"ref":"`...)
		b = appendID(b, ev.Ref)
		b = append(b, `"}`...)
	}
	b = append(b, `],"impacts":[`...)
	for i, im := range e.Impacts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"impact":"`...)
		b = append(b, im.Impact.String()...)
		b = append(b, `","element":`...)
		b = appendJSONString(b, im.Element)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendJSONMessage writes a message's English, then its code and arguments
// under the given keys.
func appendJSONMessage(b []byte, m Message, codeKey, argsKey string) []byte {
	b = appendJSONString(b, string(m.AppendText(nil)))
	b = append(b, codeKey...)
	b = appendJSONString(b, m.code.Key())
	b = append(b, argsKey...)
	for i, a := range m.Args() {
		if i > 0 {
			b = append(b, ',')
		}
		switch a.Kind {
		case ArgInt:
			b = append(b, `{"int":`...)
			b = strconv.AppendInt(b, int64(a.N), 10)
		case ArgUint:
			b = append(b, `{"uint":`...)
			b = strconv.AppendUint(b, a.N, 10)
		case ArgStr:
			b = append(b, `{"str":`...)
			b = appendJSONString(b, a.S)
		case ArgEnum:
			b = append(b, `{"enum":`...)
			b = appendJSONString(b, a.Enum.key())
			b = append(b, `,"value":`...)
			b = strconv.AppendUint(b, a.N, 10)
		case ArgMsg:
			b = append(b, `{"msg":`...)
			b = appendJSONString(b, a.Msg.Key())
			b = append(b, `,"n":`...)
			b = strconv.AppendUint(b, a.N, 10)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONString quotes s as JSON. It is written here, not taken from
// encoding/json, so the export cannot change under us with a Go release.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029': // valid JSON, but not valid JavaScript source
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// The JSON form as read: pointers tell a missing field from a zero one.
type jsonEntry struct {
	Seq        *uint64       `json:"seq"`
	ID         *string       `json:"id"`
	Parent     *string       `json:"parent"`
	Link       *string       `json:"link"`
	Name       *string       `json:"name"`
	NameCode   *string       `json:"nameCode"`
	NameArgs   *[]jsonArg    `json:"nameArgs"`
	Reason     *string       `json:"reason"`
	ReasonCode *string       `json:"reasonCode"`
	ReasonArgs *[]jsonArg    `json:"reasonArgs"`
	Start      *int64        `json:"start"`
	End        *int64        `json:"end"`
	Infra      *bool         `json:"infra"`
	Severity   *string       `json:"severity"`
	Events     *[]jsonEvent  `json:"events"`
	Impacts    *[]jsonImpact `json:"impacts"`
}

type jsonEvent struct {
	Tick     *int64     `json:"tick"`
	Severity *string    `json:"severity"`
	Kind     *string    `json:"kind"`
	Text     *string    `json:"text"`
	Code     *string    `json:"code"`
	Args     *[]jsonArg `json:"args"`
	Ref      *string    `json:"ref"`
}

type jsonArg struct {
	Int   *int64  `json:"int"`
	Uint  *uint64 `json:"uint"`
	Str   *string `json:"str"`
	Enum  *string `json:"enum"`
	Value *uint64 `json:"value"`
	Msg   *string `json:"msg"`
	Count *uint64 `json:"n"`
}

type jsonImpact struct {
	Impact  *string `json:"impact"`
	Element *string `json:"element"`
}

// ReadJSONL reads what WriteJSONL wrote (or an export without codes, whose
// English it reads as preformatted text). Blank lines are skipped. A line that
// is not valid JSON (read by core/strictjson: no repeated, case-variant or
// unknown keys), has a missing field, a bad value, or an entry the tracer
// could not have made, gives a *strictjson.Error naming "trace", the line,
// the column and the field: "trace:2:9: seq: must be an integer from 0 to
// 18446744073709551615, got -1".
func ReadJSONL(r io.Reader) ([]Entry, error) {
	br := bufio.NewReader(r)
	var out []Entry
	for line := 1; ; line++ {
		text, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("trace:%d: %w", line, err)
		}
		if text = bytes.TrimRight(text, "\r\n"); len(bytes.TrimSpace(text)) > 0 {
			e, perr := parseJSONLine(text)
			if perr != nil {
				perr.Within("trace", line, 1, "")
				return nil, perr
			}
			out = append(out, e)
		}
		if err == io.EOF {
			return out, nil
		}
	}
}

func parseJSONLine(text []byte) (Entry, *strictjson.Error) {
	var j jsonEntry
	if err := strictjson.Decode("", text, &j); err != nil {
		return Entry{}, err.(*strictjson.Error)
	}
	var p fieldParser
	e := Entry{
		Seq:    req(&p, "seq", j.Seq),
		ID:     SpanID(p.id("id", j.ID)),
		Parent: SpanID(p.id("parent", j.Parent)),
		Link:   LinkID(p.id("link", j.Link)),
		Name:   p.message("name", j.Name, j.NameCode, j.NameArgs),
		Reason: p.message("reason", j.Reason, j.ReasonCode, j.ReasonArgs),
		Start:  clock.Tick(req(&p, "start", j.Start)),
		End:    clock.Tick(req(&p, "end", j.End)),
		Infra:  req(&p, "infra", j.Infra),
	}
	e.Severity = p.severity("severity", j.Severity)
	if events := req(&p, "events", j.Events); len(events) > 0 {
		e.Events = make([]Event, len(events))
		for i, je := range events {
			at := func(f string) string { return fmt.Sprintf("events[%d].%s", i, f) }
			e.Events[i] = Event{
				Tick:     clock.Tick(req(&p, at("tick"), je.Tick)),
				Severity: p.severity(at("severity"), je.Severity),
				Kind:     parseEnum[EventKind](&p, at("kind"), "kind", kindNames[:], je.Kind),
				Text:     p.message(at("text"), je.Text, je.Code, je.Args),
				Ref:      p.id(at("ref"), je.Ref),
			}
		}
	}
	if impacts := req(&p, "impacts", j.Impacts); len(impacts) > 0 {
		e.Impacts = make([]ImpactOn, len(impacts))
		for i, ji := range impacts {
			at := func(f string) string { return fmt.Sprintf("impacts[%d].%s", i, f) }
			e.Impacts[i] = ImpactOn{
				Impact:  parseEnum[Impact](&p, at("impact"), "impact", impactNames[:], ji.Impact),
				Element: req(&p, at("element"), ji.Element),
			}
		}
	}
	if p.err != nil {
		return Entry{}, strictjson.Place("", text, p.err)
	}
	if err := validate(&e); err != nil {
		return Entry{}, strictjson.Place("", text, err)
	}
	return e, nil
}

// fieldParser keeps the first error met, naming its field.
type fieldParser struct{ err error }

func (p *fieldParser) fail(field string, err error) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: %w", field, err)
	}
}

func req[T any](p *fieldParser, field string, v *T) T {
	if v == nil {
		p.fail(field, errors.New("missing"))
		var zero T
		return zero
	}
	return *v
}

func (p *fieldParser) id(field string, s *string) uint64 {
	v, err := parseID(req(p, field, s))
	if s != nil && err != nil {
		p.fail(field, err)
	}
	return v
}

// message reads a message from its code and arguments; its English must be
// present but is not read, as it is rendered again from the code. English
// with neither code nor arguments (a line written by hand, or by an export
// from before messages) is read as preformatted text.
func (p *fieldParser) message(field string, text, code *string, args *[]jsonArg) Message {
	req(p, field, text)
	if text != nil && code == nil && args == nil {
		return Text(*text)
	}
	key := req(p, field+"Code", code)
	jargs := req(p, field+"Args", args)
	if text == nil || code == nil || args == nil {
		return Message{}
	}
	var msg Msg
	if key != "" {
		c, ok := LookupMsg(key)
		if !ok {
			p.fail(field+"Code", fmt.Errorf("unknown message %q", key))
			return Message{}
		}
		msg = c
	}
	if len(jargs) > maxArgs {
		p.fail(field+"Args", fmt.Errorf("more than %d arguments", maxArgs))
		return Message{}
	}
	out := make([]Arg, len(jargs))
	for i, ja := range jargs {
		at := fmt.Sprintf("%sArgs[%d]", field, i)
		n := 0
		for _, set := range []bool{ja.Int != nil, ja.Uint != nil, ja.Str != nil, ja.Enum != nil, ja.Msg != nil} {
			if set {
				n++
			}
		}
		if n != 1 || (ja.Value != nil) != (ja.Enum != nil) || (ja.Count != nil) != (ja.Msg != nil) {
			p.fail(at, errors.New("must be one of {\"int\":…}, {\"uint\":…}, {\"str\":…}, {\"enum\":…,\"value\":…} or {\"msg\":…,\"n\":…}"))
			return Message{}
		}
		switch {
		case ja.Int != nil:
			out[i] = Arg{Kind: ArgInt, N: uint64(*ja.Int)}
		case ja.Uint != nil:
			out[i] = Arg{Kind: ArgUint, N: *ja.Uint}
		case ja.Str != nil:
			out[i] = Str(*ja.Str)
		case ja.Msg != nil:
			c, ok := LookupMsg(*ja.Msg)
			if !ok {
				p.fail(at, fmt.Errorf("unknown message %q", *ja.Msg))
				return Message{}
			}
			out[i] = Arg{Kind: ArgMsg, Msg: c, N: *ja.Count}
		default:
			e, ok := lookupEnum(*ja.Enum)
			if !ok {
				p.fail(at, fmt.Errorf("unknown enum %q", *ja.Enum))
				return Message{}
			}
			out[i] = Arg{Kind: ArgEnum, Enum: e, N: *ja.Value}
		}
	}
	m := NewMessage(msg, out...)
	if err := m.check(); err != nil && p.err == nil {
		p.fail(field, err)
	}
	return m
}

func (p *fieldParser) severity(field string, s *string) Severity {
	return parseEnum[Severity](p, field, "severity", severityNames[:], s)
}

func parseEnum[T ~uint8](p *fieldParser, field, what string, names []string, s *string) T {
	v, err := parseName[T](what, names, req(p, field, s))
	if s != nil && err != nil {
		p.fail(field, err)
	}
	return v
}
