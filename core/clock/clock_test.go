package clock

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/stretchr/testify/require"
)

func drain(q *Queue, now Tick) []Scheduled {
	var out []Scheduled
	for {
		at, seq, ev, ok := q.PopDue(now)
		if !ok {
			return out
		}
		out = append(out, Scheduled{At: at, Seq: seq, Event: ev})
	}
}

func TestQueueOrdersByTickThenSequence(t *testing.T) {
	q := NewQueue()
	q.Push(5, Event{Target: 1})
	q.Push(3, Event{Target: 2})
	q.Push(5, Event{Target: 3})
	q.Push(3, Event{Target: 4})
	q.Push(0, Event{Target: 5})
	require.Equal(t, 5, q.Len())

	got := drain(q, 4)
	require.Equal(t, []uint32{5, 2, 4}, targets(got))
	next, ok := q.Next()
	require.True(t, ok)
	require.Equal(t, Tick(5), next)
	require.Equal(t, []uint32{1, 3}, targets(drain(q, 100)))
	_, ok = q.Next()
	require.False(t, ok)
}

func targets(s []Scheduled) []uint32 {
	var out []uint32
	for _, e := range s {
		out = append(out, e.Target)
	}
	return out
}

func TestQueueCancel(t *testing.T) {
	q := NewQueue()
	a := q.Push(2, Event{Target: 1})
	b := q.Push(2, Event{Target: 2})
	q.Push(1, Event{Target: 3})
	require.True(t, q.Cancel(a))
	require.False(t, q.Cancel(a), "twice")
	require.False(t, q.Cancel(99), "never scheduled")
	require.Equal(t, 2, q.Len())
	require.NoError(t, q.check())
	require.Equal(t, []uint32{3, 2}, targets(drain(q, 10)))
	require.False(t, q.Cancel(b), "already ran")
	require.Equal(t, 0, q.Len())
}

// The heap gives the same order as a sort, for random schedules with
// cancellations (checked against sorted order as the naive model).
func TestQueueMatchesSortedModel(t *testing.T) {
	r := rng.New(1, 1)
	for round := range 200 {
		q := NewQueue()
		var model []Scheduled
		for i := range 300 {
			at := Tick(r.Range(0, 20))
			seq := q.Push(at, Event{Target: uint32(i)})
			model = append(model, Scheduled{At: at, Seq: seq, Event: Event{Target: uint32(i)}})
			if r.Range(0, 9) == 0 {
				victim := model[r.Uint64N(uint64(len(model)))]
				if q.Cancel(victim.Seq) {
					model = removeSeq(model, victim.Seq)
				}
			}
		}
		if round%4 == 3 { // some rounds run part of the queue first, or cancel all of it
			ran := drain(q, Tick(r.Range(0, 20)))
			model = sortModel(model)[len(ran):]
			if round%8 == 7 {
				for _, s := range model {
					require.True(t, q.Cancel(s.Seq))
				}
				model = nil
			}
		}
		require.NoError(t, q.check(), "round %d", round)
		pending := q.Pending()
		if len(pending) == 0 {
			pending = nil // as the model's
		}
		require.Equal(t, sortModel(model), pending)
		w := snap.NewWriter(0)
		q.MarshalSnapshot(w)
		require.Equal(t, modelSnapshot(q.seq, sortModel(model)), w.Bytes(), "round %d: the snapshot writes the run order", round)
		require.NoError(t, q.check(), "round %d: the snapshot leaves the queue as it was", round)
		require.Equal(t, sortModel(model), drain(q, 20))
	}
}

// modelSnapshot is the queue's snapshot written from its events in run order.
func modelSnapshot(seq uint64, run []Scheduled) []byte {
	w := snap.NewWriter(0)
	w.Section("queue", 1)
	w.Uint(seq)
	w.Uint(uint64(len(run)))
	for _, s := range run {
		w.Int(int64(s.At))
		w.Uint(s.Seq)
		s.Event.marshal(w)
	}
	return w.Bytes()
}

func removeSeq(s []Scheduled, seq uint64) []Scheduled {
	for i := range s {
		if s[i].Seq == seq {
			return append(s[:i:i], s[i+1:]...)
		}
	}
	return s
}

func sortModel(s []Scheduled) []Scheduled {
	out := append([]Scheduled(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].At < out[j-1].At || out[j].At == out[j-1].At && out[j].Seq < out[j-1].Seq); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestQueueSnapshotRoundTrip(t *testing.T) {
	q := NewQueue()
	q.Push(7, Event{Kind: MakeKind(1, 2), Target: 9, Arg: -3, Ref: 4, Link: 5})
	c := q.Push(3, Event{Target: 1})
	q.Push(3, Event{Target: 2})
	q.Cancel(c)
	w := snap.NewWriter(0)
	q.MarshalSnapshot(w)

	r := NewQueue()
	require.NoError(t, r.UnmarshalSnapshot(snap.NewReader(w.Bytes())))
	require.Equal(t, q.Pending(), r.Pending())
	require.Equal(t, q.Push(1, Event{}), r.Push(1, Event{}), "the sequence counter carries over")

	for n := 0; n < len(w.Bytes()); n++ {
		require.Error(t, NewQueue().UnmarshalSnapshot(snap.NewReader(w.Bytes()[:n])), "truncated at %d", n)
	}
}

func TestStepperEpochs(t *testing.T) {
	s, err := NewStepper(Manual, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), s.Epoch())
	require.NoError(t, s.CheckStep())

	require.NoError(t, s.SetPolicy(Measured, 10, 1))
	require.Equal(t, int64(2), s.Epoch())
	require.ErrorContains(t, s.CheckStep(), "pause it")
	require.NoError(t, s.CheckAdvance(2))
	require.ErrorIs(t, s.CheckAdvance(1), ErrStaleEpoch)

	err = s.SetPolicy(Manual, 0, 1)
	require.ErrorIs(t, err, ErrStaleEpoch)
	require.ErrorContains(t, err, "expects to replace policy version 1, but the current version is 2")
	require.NoError(t, s.SetPolicy(Manual, 0, -1), "negative forces")
	require.ErrorContains(t, s.CheckAdvance(3), "only the measured policy")
	require.ErrorIs(t, s.CheckAdvance(2), ErrStaleEpoch)

	for _, c := range []struct {
		p    Policy
		rate int64
		msg  string
	}{
		{Measured, 0, "must be 1..1000"},
		{Measured, 1001, "must be 1..1000"},
		{Manual, 5, "takes no rate"},
		{Policy(9), 0, "invalid"},
	} {
		require.ErrorContains(t, s.SetPolicy(c.p, c.rate, -1), c.msg)
	}
}

func TestPolicyNames(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Policy
	}{{"Manual", Manual}, {"automatic", Measured}, {"NO_WAIT", NoWait}, {"no-wait", NoWait}} {
		p, err := ParsePolicy(c.in)
		require.NoError(t, err)
		require.Equal(t, c.want, p)
	}
	_, err := ParsePolicy("fast")
	require.ErrorContains(t, err, `unknown time policy "fast"`)
	b, err := NoWait.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "no_wait", string(b))
}

func BenchmarkQueue(b *testing.B) {
	// Schedule and dispatch of no-op events with a standing backlog of 10,000.
	q := NewQueue()
	r := rng.New(1, 1)
	for i := range 10000 {
		q.Push(Tick(r.Range(0, 100)), Event{Target: uint32(i)})
	}
	now := Tick(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, ok := q.PopDue(now); !ok {
			now++
			continue
		}
		q.Push(now+Tick(r.Range(1, 100)), Event{Target: uint32(i)})
	}
}

func TestRangeValidate(t *testing.T) {
	for _, tc := range []struct {
		r    Range
		min  Tick
		want string
	}{
		{Range{0, 0}, 0, ""},
		{Range{1, SettingMax}, 1, ""},
		{Range{-1, 3}, 0, "delays.booting.low must be >= 0, got -1"},
		{Range{0, 3}, 1, "delays.booting.low must be >= 1, got 0"},
		{Range{5, 2}, 0, "delays.booting.high must be >= low (5), got 2"},
		{Range{0, SettingMax + 1}, 0, "delays.booting.high must be <= 31536000, got 31536001"},
	} {
		err := tc.r.Validate("delays.booting", tc.min)
		if tc.want == "" {
			require.NoError(t, err, "%+v", tc.r)
		} else {
			require.EqualError(t, err, tc.want, "%+v", tc.r)
		}
	}
}

// A queue that has emptied from a burst moves into less room, in order.
func TestQueueShrinksAfterBurst(t *testing.T) {
	r := rng.New(1, 2)
	q := NewQueue()
	var model []Scheduled
	for i := range 4 * queueShrinkMin {
		at := Tick(r.Range(0, 1000))
		seq := q.Push(at, Event{Target: uint32(i)})
		model = append(model, Scheduled{At: at, Seq: seq, Event: Event{Target: uint32(i)}})
	}
	model = sortModel(model)
	peak := cap(q.items)
	for i := range 4*queueShrinkMin - 100 {
		_, _, _, ok := q.PopDue(1000)
		require.True(t, ok)
		if i%1000 == 0 {
			require.NoError(t, q.check())
		}
	}
	require.LessOrEqual(t, cap(q.items), queueShrinkMin)
	require.Less(t, cap(q.items), peak)
	require.Equal(t, model[len(model)-100:], drain(q, 1000))
}
