package trace

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
)

var (
	benchName       = Define("bench.name", "blade transition {0}")
	benchReason     = Define("bench.reason", "blade {0} boot timer fired")
	benchTransition = Define("bench.transition", "{0} -> {1}")
	benchStates     = DefineEnum("bench.states", []string{"off", "booting", "working"})
)

// BenchmarkSpan is one hardware transition: a root span with a line and an
// impact, hashed and stored.
func BenchmarkSpan(b *testing.B) {
	b.Run("plain", func(b *testing.B) {
		tr := New(1000)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s := tr.Start(clock.Tick(i), "blade transition")
			s.Infof(clock.Tick(i), "booting -> working")
			s.Impact(Modify, "region1/zone1/rack1/blade/3")
			s.End()
		}
	})
	b.Run("formatted", func(b *testing.B) {
		tr := New(1000)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s := tr.Start(clock.Tick(i), "blade transition")
			s.Reasonf("blade %d boot timer fired", i&1023)
			s.Infof(clock.Tick(i), "%s -> %s", "booting", "working")
			s.Impact(Modify, "region1/zone1/rack1/blade/3")
			s.End()
		}
	})
	b.Run("structured", func(b *testing.B) { // what "formatted" records, as a message: no fmt
		tr := New(1000)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s := tr.StartMsg(clock.Tick(i), benchName, Str("region1/zone1/rack1/blade/3"))
			s.ReasonMsg(benchReason, Int(i&1023))
			s.Info(clock.Tick(i), benchTransition, benchStates.Of(1), benchStates.Of(2))
			s.Impact(Modify, "region1/zone1/rack1/blade/3")
			s.End()
		}
	})
	b.Run("infra", func(b *testing.B) { // not hashed
		tr := New(1000)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s := tr.StartInfra(clock.Tick(i), "poll")
			s.Infof(clock.Tick(i), "ok")
			s.Impact(Read, "region1/zone1/rack1/blade/3")
			s.End()
		}
	})
}

// BenchmarkChildLinked is a request across parts: a root with a child, a
// link from the child, and the linked span at the receiver.
func BenchmarkChildLinked(b *testing.B) {
	tr := New(1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		now := clock.Tick(i)
		s := tr.Start(now, "power on")
		s.Impact(Modify, "region1/zone1/rack1/pdu/0")
		c := s.Child(now, "power blade")
		c.Infof(now, "port on")
		c.Impact(Execute, "region1/zone1/rack1/pdu/0")
		l := c.Link(now, "boot")
		c.End()
		s.End()
		r := tr.StartLinked(now, "boot", l)
		r.Infof(now, "booting")
		r.Impact(Modify, "region1/zone1/rack1/blade/3")
		r.End()
	}
}

// BenchmarkBringUp is one root over 50,000 blade children: impact lifting
// must stay linear.
func BenchmarkBringUp(b *testing.B) {
	elems := make([]string, 50_000)
	for i := range elems {
		elems[i] = "region1/zone1/rack" + string(rune('a'+i%26)) + "/blade/" + clock.Tick(i).String()
	}
	b.ReportAllocs()
	for b.Loop() {
		tr := New(1000)
		s := tr.Start(0, "bring up")
		for _, e := range elems {
			c := s.Child(0, "power on blade")
			c.Impact(Modify, e)
			c.End()
		}
		s.End()
	}
}

func BenchmarkHash(b *testing.B) {
	tr := New(1000)
	(&workload{seed: 1}).run(tr, 0, 100)
	b.ReportAllocs()
	for b.Loop() {
		tr.Hash()
	}
}

func BenchmarkAfter(b *testing.B) {
	tr := New(1000)
	fill(tr, 2000)
	b.ReportAllocs()
	for b.Loop() {
		tr.After(tr.LastSeq()-100, 100)
	}
}
