package trace

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata (review the diff like code)")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./core/trace -update to create it")
	require.Equal(t, string(want), string(got), "%s differs; if on purpose, rerun with -update", path)
}

// The golden trace's structured messages render as the text it had when
// every message was preformatted.
var (
	goldenPowerBlade = Define("test.golden.power-blade", "power blade")
	goldenCabled     = Define("test.golden.cabled", "blade {0} is cabled to pdu port {1}")
	goldenRefused    = Define("test.golden.refused", "port {0} refused: {1}")
	goldenUser       = Define("test.golden.user", "user: {0} workload")
	goldenVerbs      = DefineEnum("test.golden.verbs", []string{"start", "stop"})
	goldenVlan       = Define("test.golden.vlan", "program {0...}")
	goldenWord       = Define("test.golden.word", "{0}")
)

// goldenTrace is one of each thing a trace holds: nesting, lifted impacts,
// every severity, links answered and not, infrastructure, odd text.
func goldenTrace() *Tracer {
	tr := New(0)
	const rack = "region1/zone1/rack1"

	st := tr.StartInfra(0, "step")
	st.Reason("policy manual: step 1")
	fire := st.Link(1, "fire timers due at 1")
	st.End()

	s := tr.StartLinked(1, "power on rack", fire)
	s.Reason("target says on, actual says off, so switch the PDU on")
	s.Infof(1, "pdu %s: off -> on", "0")
	s.Impact(Modify, rack+"/pdu/0")
	for b := range 2 {
		c := s.ChildMsg(1, goldenPowerBlade)
		c.ReasonMsg(goldenCabled, Int(b), Int(b))
		c.Impact(Execute, rack+"/pdu/0")
		c.Impact(Modify, rack+"/blade/"+string(rune('0'+b)))
		if b == 1 {
			g := c.Child(2, "check boot image")
			g.Debugf(2, "image %q found", "standard")
			g.Impact(Read, rack+"/blade/1")
			g.Warnf(3, "boot took %d ticks, over the %d expected", 3, 2)
			g.End()
		}
		c.End()
	}
	ask := s.Link(3, "ask tor 0 to connect ports 0-1")
	s.Link(3, "tell the monitor") // no span answers this one
	s.Debugf(3, "text with\na newline, a\ttab, \"quotes\", <html> & é\u2028")
	s.End()

	r := tr.StartLinked(4, "connect ports", ask)
	r.Impact(Modify, rack+"/tor/0")
	sub := r.ChildMsg(4, goldenVlan, AppendMsg(nil, goldenWord, Str("vlan"))...)
	sub.Error(5, goldenRefused, Int(1), Str("cable faulted"))
	sub.Impact(Modify, rack+"/tor/0")
	sub.End()
	r.Fatalf(5, "rack network incomplete")
	r.End()

	p := tr.StartInfra(6, "poll health")
	pc := p.Child(6, "read status")
	pc.Impact(Read, rack+"/blade/0")
	pc.End()
	p.End()

	lone := tr.StartMsg(7, goldenUser, goldenVerbs.Of(1))
	lone.End()
	return tr
}

func TestTextTreeGolden(t *testing.T) {
	es := all(goldenTrace())
	var out bytes.Buffer
	out.WriteString("== the whole trace ==\n")
	require.NoError(t, WriteText(&out, es))

	// A child missing from the input, and its own child left without a parent.
	out.WriteString("== without span 3 ==\n")
	require.NoError(t, WriteText(&out, without(es, 3)))
	// The linking span missing: the span it linked to stands alone.
	out.WriteString("== without span 1 ==\n")
	require.NoError(t, WriteText(&out, without(es, 1)))
	golden(t, "tree.txt", out.Bytes())

	text := out.String()
	for _, line := range []string{
		// An infrastructure root, its severity rolled up from the work its link started.
		"@0-1 [F] step: policy manual: step 1 (span i1) (infra)\n",
		"  @1 [I] link i2: fire timers due at 1\n",
		// A linked span under its link, with its impacts and its children's.
		"    @1-3 [F] power on rack: target says on, actual says off, so switch the PDU on (span 1) W:region1/zone1/rack1/pdu/0 E:region1/zone1/rack1/pdu/0 W:region1/zone1/rack1/blade/0 W:region1/zone1/rack1/blade/1 R:region1/zone1/rack1/blade/1\n",
		"        @2-3 [W] check boot image (span 4) R:region1/zone1/rack1/blade/1\n",
		"          @2 [D] image \"standard\" found\n",
		"        @4-5 [F] connect ports (span 7) W:region1/zone1/rack1/tor/0\n",
		"            @5 [E] port 1 refused: cable faulted\n",
		"      @3 [I] link 6: tell the monitor\n",
		"      @3 [D] text with\\na newline, a\\ttab, \"quotes\", <html> & é\\u2028\n",
		"@6 [I] poll health (span i3) (infra) R:region1/zone1/rack1/blade/0\n",
		"@7 [I] user: stop workload (span 9)\n",
		// A missing child, and its child standing alone.
		"      @1 [I] missing: span 3\n",
		"@2-3 [W] check boot image (span 4, parent 3) R:region1/zone1/rack1/blade/1\n",
		// A linked span whose link is not here.
		"@4-5 [F] connect ports (span 7, link 5) W:region1/zone1/rack1/tor/0\n",
	} {
		require.Contains(t, text, line)
	}
}

func without(es []Entry, id SpanID) []Entry {
	var out []Entry
	for _, e := range es {
		if e.ID != id {
			out = append(out, e)
		}
	}
	return out
}

func TestJSONLGoldenAndRoundTrip(t *testing.T) {
	es := all(goldenTrace())
	var out bytes.Buffer
	require.NoError(t, WriteJSONL(&out, es))
	golden(t, "trace.jsonl", out.Bytes())
	require.Contains(t, out.String(), `{"seq":1,"id":"i1","parent":"0","link":"0","name":"step","nameCode":"text","nameArgs":[{"str":"step"}],"reason":"policy manual: step 1","reasonCode":"text","reasonArgs":[{"str":"policy manual: step 1"}],"start":0,"end":1,"infra":true,"severity":"info","events":[{"tick":1,"severity":"info","kind":"link","text":"fire timers due at 1","code":"text","args":[{"str":"fire timers due at 1"}],"ref":"i2"}],"impacts":[]}`+"\n")
	require.Contains(t, out.String(), `"name":"user: stop workload","nameCode":"test.golden.user","nameArgs":[{"enum":"test.golden.verbs","value":1}]`)
	require.Contains(t, out.String(), `"text":"port 1 refused: cable faulted","code":"test.golden.refused","args":[{"int":1},{"str":"cable faulted"}]`)
	require.Contains(t, out.String(), `"text":"text with\na newline, a\ttab, \"quotes\", <html> & é\u2028"`)

	back, err := ReadJSONL(bytes.NewReader(out.Bytes()))
	require.NoError(t, err)
	require.Equal(t, es, back)

	// And the workload's bigger trace.
	tr := New(1000)
	(&workload{seed: 3, infra: true}).run(tr, 0, 40)
	out.Reset()
	require.NoError(t, WriteJSONL(&out, all(tr)))
	back, err = ReadJSONL(&out)
	require.NoError(t, err)
	require.Equal(t, all(tr), back)
}
