package inventory

import (
	"strconv"
	"strings"
)

// MarshalYAML writes a definition in the original's YAML format, so that
// Parse reads it back to an equal Definition and the original's reader could
// read it too (except Accelerators and Gpus, our extensions, written only when set).
// Ports and small blocks use flow style, as the shipped files do, which keeps
// a 50,000-blade file near 25 MB. The definition must be valid.
func MarshalYAML(d *Definition) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	c := d.Counts()
	w := yamlWriter{buf: make([]byte, 0, 1024+c.Blades*560)} // about what a generated blade takes, ports included
	w.line(0, "Details:")
	w.kv(2, "Name", d.Name)
	w.optKV(2, "Notes", d.Notes)
	w.line(0, "Regions:")
	for _, r := range d.Regions {
		w.item(2, "Name", r.Name)
		w.line(4, "Details:")
		w.kvRaw(6, "State", r.State.String())
		w.optKV(6, "Location", r.Location)
		w.optKV(6, "Notes", r.Notes)
		w.line(4, "Zones:")
		for _, z := range r.Zones {
			w.item(6, "Name", z.Name)
			w.line(8, "Details:")
			w.kvRaw(10, "Enabled", strconv.FormatBool(z.Enabled))
			w.kvRaw(10, "State", z.State.String())
			w.optKV(10, "Location", z.Location)
			w.optKV(10, "Notes", z.Notes)
			w.line(8, "Racks:")
			for _, k := range z.Racks {
				w.rack(10, k)
			}
		}
	}
	return w.buf, nil
}

type yamlWriter struct{ buf []byte }

func (w *yamlWriter) indent(n int) {
	for range n {
		w.buf = append(w.buf, ' ')
	}
}

func (w *yamlWriter) line(ind int, s string) {
	w.indent(ind)
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) kvRaw(ind int, key, raw string) {
	w.indent(ind)
	w.buf = append(w.buf, key...)
	w.buf = append(w.buf, ": "...)
	w.buf = append(w.buf, raw...)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) kv(ind int, key, s string) {
	w.indent(ind)
	w.buf = append(w.buf, key...)
	w.buf = append(w.buf, ": "...)
	w.str(s)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) str(s string) { w.buf = appendYAMLString(w.buf, s) }

func (w *yamlWriter) optKV(ind int, key, s string) {
	if s != "" {
		w.kv(ind, key, s)
	}
}

// item starts a list entry whose first key is key.
func (w *yamlWriter) item(ind int, key, s string) {
	w.indent(ind)
	w.buf = append(w.buf, "- "...)
	w.kv(0, key, s)
}

func (w *yamlWriter) rack(ind int, k *Rack) {
	w.item(ind, "Name", k.Name)
	in := ind + 2
	w.line(in, "Details:")
	w.kvRaw(in+2, "Enabled", strconv.FormatBool(k.Enabled))
	w.kvRaw(in+2, "Condition", k.Condition.String())
	w.optKV(in+2, "Location", k.Location)
	w.optKV(in+2, "Notes", k.Notes)
	w.line(in, "Pdus:")
	for _, p := range k.PDUs {
		w.device(in+2, p.Index, p.Enabled, p.Condition, p.Ports)
	}
	w.line(in, "Tors:")
	for _, t := range k.TORs {
		w.device(in+2, t.Index, t.Enabled, t.Condition, t.Ports)
	}
	w.line(in, "Blades:")
	for _, b := range k.Blades {
		w.blade(in+2, b)
	}
}

func (w *yamlWriter) details(ind int, enabled bool, c Condition) {
	w.indent(ind)
	w.buf = append(w.buf, "Details: {Enabled: "...)
	w.buf = strconv.AppendBool(w.buf, enabled)
	w.buf = append(w.buf, ", Condition: "...)
	w.buf = append(w.buf, c.String()...)
	w.buf = append(w.buf, "}\n"...)
}

func (w *yamlWriter) device(ind int, index int64, enabled bool, c Condition, ports []Port) {
	w.indent(ind)
	w.buf = append(w.buf, "- Index: "...)
	w.buf = strconv.AppendInt(w.buf, index, 10)
	w.buf = append(w.buf, '\n')
	w.details(ind+2, enabled, c)
	w.line(ind+2, "Ports:")
	for _, p := range ports {
		w.indent(ind + 4)
		w.buf = append(w.buf, "- {Index: "...)
		w.buf = strconv.AppendInt(w.buf, p.Index, 10)
		w.buf = append(w.buf, ", Wired: "...)
		w.buf = strconv.AppendBool(w.buf, p.Wired)
		if p.Item != (Hardware{}) {
			w.buf = append(w.buf, ", Item: {Type: "...)
			w.buf = append(w.buf, p.Item.Type.String()...)
			w.buf = append(w.buf, ", Id: "...)
			w.buf = strconv.AppendInt(w.buf, p.Item.ID, 10)
			w.buf = append(w.buf, ", Port: "...)
			w.buf = strconv.AppendInt(w.buf, p.Item.Port, 10)
			w.buf = append(w.buf, '}')
		}
		w.buf = append(w.buf, "}\n"...)
	}
}

func (w *yamlWriter) blade(ind int, b *Blade) {
	w.indent(ind)
	w.buf = append(w.buf, "- Index: "...)
	w.buf = strconv.AppendInt(w.buf, b.Index, 10)
	w.buf = append(w.buf, '\n')
	w.details(ind+2, b.Enabled, b.Condition)
	w.kvRaw(ind+2, "BootOnPowerOn", strconv.FormatBool(b.BootOnPowerOn))
	w.indent(ind + 2)
	w.buf = append(w.buf, "BootInfo: {Source: "...)
	w.buf = append(w.buf, b.Boot.Source.String()...)
	w.buf = append(w.buf, ", Image: "...)
	w.str(b.Boot.Image)
	w.buf = append(w.buf, ", Version: "...)
	w.str(b.Boot.Version)
	w.buf = append(w.buf, ", Parameters: "...)
	w.str(b.Boot.Parameters)
	w.buf = append(w.buf, "}\n"...)
	c := b.Capacity
	w.indent(ind + 2)
	w.buf = append(w.buf, "Capacity: {Cores: "...)
	w.buf = strconv.AppendInt(w.buf, c.Cores, 10)
	w.buf = append(w.buf, ", MemoryInMb: "...)
	w.buf = strconv.AppendInt(w.buf, c.MemoryMB, 10)
	w.buf = append(w.buf, ", DiskInGb: "...)
	w.buf = strconv.AppendInt(w.buf, c.DiskGB, 10)
	w.buf = append(w.buf, ", NetworkBandwidthInMbps: "...)
	w.buf = strconv.AppendInt(w.buf, c.NetworkMbps, 10)
	w.buf = append(w.buf, ", Arch: "...)
	w.str(c.Arch)
	if len(c.Accelerators) > 0 {
		w.buf = append(w.buf, ", Accelerators: ["...)
		for i, a := range c.Accelerators {
			if i > 0 {
				w.buf = append(w.buf, ", "...)
			}
			w.str(a)
		}
		w.buf = append(w.buf, ']')
	}
	if len(c.GPUs) > 0 {
		w.buf = append(w.buf, ", Gpus: ["...)
		for i, g := range c.GPUs {
			if i > 0 {
				w.buf = append(w.buf, ", "...)
			}
			w.buf = append(w.buf, "{Model: "...)
			w.str(g.Model)
			w.buf = append(w.buf, ", Count: "...)
			w.buf = strconv.AppendInt(w.buf, g.Count, 10)
			w.buf = append(w.buf, '}')
		}
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, "}\n"...)
}

// appendYAMLString writes s plain when that is unambiguous in both block and
// flow context, else double-quoted. Go's escapes (\n, \t, \", \\, \xNN for
// control characters, \uNNNN, \UNNNNNNNN) are all valid YAML escapes with
// the same meaning for valid UTF-8, which Validate guarantees.
func appendYAMLString(buf []byte, s string) []byte {
	if plainSafe(s) {
		return append(buf, s...)
	}
	return strconv.AppendQuote(buf, s)
}

func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return false // keeps numbers, indicators and .inf/.nan out
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '/') {
			return false
		}
	}
	for _, w := range notStrings {
		if strings.EqualFold(s, w) {
			return false // other YAML readers would not see a string
		}
	}
	return true
}

var notStrings = []string{"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
