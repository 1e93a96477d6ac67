package sim

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
)

// SnapshotVersion is the version of the world's snapshot format.
const SnapshotVersion = 1

const snapshotMagic = "ccsim-snapshot"

// Snapshot writes the whole dynamic state of the world in compact binary:
// the clock, the queue, the store's target, actual and observed views, the
// hardware, the trace (with its hash state) and the user's commands. The
// inventory and the script are not in it: they come from the scenario,
// which Restore takes alongside.
func (w *World) Snapshot() []byte {
	wr := snap.NewWriter(64 * 1024)
	wr.String(snapshotMagic)
	wr.Section("world", SnapshotVersion)
	wr.Int(int64(w.env.Now))
	wr.Uint(w.dispatched)
	wr.Uint(uint64(w.next))
	wr.Uint(uint64(len(w.commands)))
	for _, c := range w.commands {
		writeTimed(wr, c)
	}
	w.stepper.MarshalSnapshot(wr)
	w.queue.MarshalSnapshot(wr)
	w.env.Store.MarshalSnapshot(wr, store.Target, store.Actual, store.Observed)
	w.hw.MarshalSnapshot(wr)
	w.env.Trace.MarshalSnapshot(wr)
	return wr.Bytes()
}

func writeTimed(w *snap.Writer, c scenario.Timed) {
	w.Int(int64(c.At))
	w.String(string(c.Do))
	w.String(c.Target)
	w.Bool(c.On)
	w.Bool(c.Hard)
	w.Int(c.Port)
}

func readTimed(r *snap.Reader) scenario.Timed {
	var c scenario.Timed
	c.At = clock.Tick(r.Int())
	c.Do = scenario.Op(r.String())
	c.Target = r.String()
	c.On = r.Bool()
	c.Hard = r.Bool()
	c.Port = r.Int()
	return c
}

// Restore rebuilds the world of sc and loads a snapshot of it. The user's
// commands in sc are ignored: the snapshot carries its own.
func Restore(sc *scenario.Scenario, data []byte, opts ...Option) (*World, error) {
	w, err := build(sc, nil) // options apply once the snapshot is in: a sink must not see the rebuild
	if err != nil {
		return nil, err
	}
	r := snap.NewReader(data)
	if magic := r.String(); r.Err() == nil && magic != snapshotMagic {
		return nil, fmt.Errorf("not a simulation snapshot")
	}
	r.Section("world", SnapshotVersion)
	now := clock.Tick(r.Int())
	w.dispatched = r.Uint()
	next := r.Uint()
	n := r.Len(scenario.CommandsMax)
	if r.Err() != nil {
		return nil, fmt.Errorf("snapshot: %w", r.Err())
	}
	if next > uint64(len(w.script)) {
		return nil, fmt.Errorf("snapshot: it has applied %d script commands, the scenario has %d", next, len(w.script))
	}
	w.next = int(next)
	w.commands = make([]scenario.Timed, 0, n)
	for range n {
		w.commands = append(w.commands, readTimed(r))
	}
	codecs := store.Codecs{}
	for k, v := range hardware.Codecs {
		codecs[k] = v
	}
	for _, err := range []error{
		w.stepper.UnmarshalSnapshot(r),
		w.queue.UnmarshalSnapshot(r),
		w.env.Store.UnmarshalSnapshot(r, codecs),
		w.hw.UnmarshalSnapshot(r),
		w.env.Trace.UnmarshalSnapshot(r),
		r.Done(),
	} {
		if err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
	}
	w.env.Now = now
	for _, o := range opts {
		o(w)
	}
	return w, nil
}
