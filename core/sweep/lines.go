package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/scenario"

	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// Header is the first line of a sweep's output: the sweep's identity and
// its whole spec, the scenario inline, so the output of any part is
// enough to summarise the sweep again (`ccsim sweep merge`):
//
//	{"kind":"sweep","sweep":"4f0c…","spec":{"format":1,…,"scenario":{"inline":{…}}}}
type Header struct {
	Kind  string          `json:"kind"` // "sweep"
	Sweep string          `json:"sweep"`
	Spec  json.RawMessage `json:"spec"`
}

// Header is the sweep's header line.
func (s *Sweep) Header() Header {
	spec := *s.spec
	body, _ := scenario.Marshal(s.base)
	spec.Scenario = Source{Inline: body}
	b, _ := json.Marshal(&spec)
	return Header{Kind: "sweep", Sweep: s.id, Spec: b}
}

// FromHeader is the sweep a header line describes. name names the
// header's source for messages.
func FromHeader(name string, h Header) (*Sweep, error) {
	spec, err := Parse(name, h.Spec)
	if err != nil {
		return nil, err
	}
	if spec.Scenario.Inline == nil {
		return nil, fmt.Errorf("%s: the sweep's header has no inline scenario", name)
	}
	base, err := spec.Load(name, h.Spec, nil)
	if err != nil {
		return nil, err
	}
	sw, err := New(spec, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if sw.id != h.Sweep {
		return nil, fmt.Errorf("%s: the header says sweep %s, but its spec is sweep %s (edited, or written by another version)", name, h.Sweep, sw.id)
	}
	return sw, nil
}

// ReadLines reads a sweep's output (JSON lines, as `ccsim sweep` writes
// them) from data, named name for messages: its header lines and its run
// lines. Summary lines and blank lines are skipped; any other line is an
// error naming name:line:column.
func ReadLines(name string, data []byte) ([]Header, []Result, error) {
	var out []Result
	var heads []Header
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var head struct {
			Kind string `json:"kind"`
		}
		if err := strictjson.DecodeKnown(name, line, &head); err != nil {
			return nil, nil, atLine(err, name, n+1)
		}
		switch head.Kind {
		case "summary":
			continue
		case "sweep":
			var h Header
			if err := strictjson.Decode(name, line, &h); err != nil {
				return nil, nil, atLine(err, name, n+1)
			}
			heads = append(heads, h)
			continue
		case "run":
		default:
			return nil, nil, fmt.Errorf("%s:%d: not a sweep's line: kind %q (want sweep, run or summary)", name, n+1, head.Kind)
		}
		var r Result
		if err := strictjson.Decode(name, line, &r); err != nil {
			return nil, nil, atLine(err, name, n+1)
		}
		out = append(out, r)
	}
	return heads, out, nil
}

// atLine moves an error found in one line to that line of the file.
func atLine(err error, name string, line int) error {
	var se *strictjson.Error
	if errors.As(err, &se) {
		se.Within(name, line, 1, "")
		return se
	}
	return fmt.Errorf("%s:%d: %w", name, line, err)
}
