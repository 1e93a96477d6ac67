package sim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sha256"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// SnapshotVersion is the version of the world's snapshot format. Version
// 3 carries the engine version and the scenario's identity: a snapshot of
// another engine's run, or of another scenario's (another seed, other
// settings), is refused, since its run would not continue the same way;
// the caller replays the scenario instead. Version 4 keeps the store's
// record kinds in typed tables.
const SnapshotVersion = 4

// scenarioID is a scenario's identity for its snapshots: a SHA-256 of its
// canonical JSON without what a run adds to it (the user's commands, the
// tick reached, the time policy it is driven by). The JSON is hashed as it
// is written, an inline inventory a rack at a time, with each (if not nil)
// called after every rack: at 50,000 blades it is 20 MB never held whole.
// When enc (if not nil) holds the JSON of the inline inventory
// (scenario.Encoder.Keep), those bytes are hashed instead of encoding it
// anew, with each called after every idPaceBytes of them.
func scenarioID(sc *scenario.Scenario, each func(), enc *scenario.Encoder) ([32]byte, error) {
	s := sc.Clone()
	s.Commands, s.At, s.Policy, s.Rate = nil, 0, clock.Manual, 0
	h := sha256.New()
	var err error
	if enc != nil && enc.Holds(s.Inventory.Definition) {
		err = enc.Write(&pacedWriter{w: h, each: each}, s)
	} else {
		err = scenario.WriteCanonical(h, s, each)
	}
	if err != nil {
		return [32]byte{}, err
	}
	return [32]byte(h.Sum(nil)), nil
}

// idPaceBytes is how many bytes of kept JSON scenarioID hashes between two
// calls of its each: about a rack's JSON, as when it encodes them.
const idPaceBytes = 40 << 10

// pacedWriter writes to w in pieces of at most idPaceBytes, calling each
// (if not nil) after every idPaceBytes written.
type pacedWriter struct {
	w    io.Writer
	each func()
	n    int // bytes written since each was last called
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		c := min(len(b), idPaceBytes-p.n)
		k, err := p.w.Write(b[:c])
		written += k
		if err != nil {
			return written, err
		}
		b, p.n = b[c:], p.n+c
		if p.n == idPaceBytes {
			p.n = 0
			if p.each != nil {
				p.each()
			}
		}
	}
	return written, nil
}

const snapshotMagic = "ccsim-snapshot"

// snapshotPaceBytes is how many bytes of snapshot a world with a yield
// writes between two calls of it: about what 1,024 records of its store
// take.
const snapshotPaceBytes = 64 * 1024

// Snapshot writes the whole dynamic state of the world in compact binary:
// the clock, the queue, the store's tables (target, actual, observed,
// usage and fault records), the hardware, the trace (with its hash state)
// and the user's commands. The inventory and the script are not in it: they come from the scenario,
// which Restore takes alongside.
//
// A world with a yield (WithYield) calls it after every snapshotPaceBytes
// written: a snapshot of 50,000 blades is megabytes.
func (w *World) Snapshot() []byte {
	wr := snap.NewWriter(max(64*1024, w.snapHint+w.snapHint/8))
	if w.yield != nil {
		wr.SetPace(snapshotPaceBytes, w.yield)
	}
	wr.String(snapshotMagic)
	wr.Section("world", SnapshotVersion)
	wr.Uint(EngineVersion)
	wr.Blob(w.id[:])
	wr.Int(int64(w.env.Now))
	wr.Uint(w.dispatched)
	wr.Uint(uint64(w.next))
	wr.Uint(uint64(len(w.commands)))
	for _, c := range w.commands {
		writeTimed(wr, c)
	}
	w.stepper.MarshalSnapshot(wr)
	w.queue.MarshalSnapshot(wr)
	w.env.Store.MarshalSnapshot(wr)
	w.hw.MarshalSnapshot(wr)
	w.env.Trace.MarshalSnapshot(wr)
	wr.Bool(w.ctl != nil)
	if c := w.ctl; c != nil {
		c.Monitor.MarshalSnapshot(wr)
		c.Repair.MarshalSnapshot(wr)
		c.Faults.MarshalSnapshot(wr)
		c.Metrics.MarshalSnapshot(wr)
		wr.Bool(c.Workloads != nil)
		if c.Workloads != nil {
			c.Workloads.MarshalSnapshot(wr)
		}
	}
	data := seal(wr.Bytes())
	w.snapHint = len(data)
	return data
}

// A snapshot ends with a CRC-32C of everything before it: browser storage
// can damage any byte, and most damage leaves the framing whole (a letter
// of a reason, a bit of the hash state) where no check of content can see
// it; the checksum does.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func seal(body []byte) []byte {
	return binary.BigEndian.AppendUint32(body, crc32.Checksum(body, castagnoli))
}

// unseal checks a snapshot's checksum and returns what it covers.
func unseal(data []byte) ([]byte, error) {
	if len(data) < 4 {
		return nil, fmt.Errorf("snapshot: damaged: %d bytes, too short to be one", len(data))
	}
	body, sum := data[:len(data)-4], binary.BigEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("snapshot: damaged: its checksum does not match (a byte was changed, or it was cut short)")
	}
	return body, nil
}

// writeTimed writes a command as its JSON form, which every new command
// field joins without a change of snapshot format.
func writeTimed(w *snap.Writer, c scenario.Timed) {
	w.Int(int64(c.At))
	b, err := json.Marshal(c.Command)
	if err != nil {
		panic(fmt.Sprintf("sim: a command does not marshal: %v", err))
	}
	w.Blob(b)
}

func readTimed(r *snap.Reader) scenario.Timed {
	var c scenario.Timed
	c.At = clock.Tick(r.Int())
	b := r.Blob()
	if r.Err() != nil {
		return c
	}
	if err := strictjson.Decode("command", b, &c.Command); err != nil {
		r.Failf("%v", err)
		return c
	}
	if err := c.Check(); err != nil {
		r.Failf("a command: %v", err)
	}
	return c
}

// Restore rebuilds the world of sc and loads a snapshot of it. The user's
// commands in sc are ignored: the snapshot carries its own.
func Restore(sc *scenario.Scenario, data []byte, opts ...Option) (*World, error) {
	body, err := unseal(data)
	if err != nil {
		return nil, err
	}
	return restore(sc, body, opts...)
}

// restore is Restore on a snapshot's body, its checksum checked.
func restore(sc *scenario.Scenario, data []byte, opts ...Option) (*World, error) {
	w, err := build(sc, opts)
	if err != nil {
		return nil, err
	}
	r := snap.NewReader(data)
	if magic := r.String(); r.Err() == nil && magic != snapshotMagic {
		return nil, fmt.Errorf("not a simulation snapshot")
	}
	if v := r.Section("world", SnapshotVersion); r.Err() == nil && v != SnapshotVersion {
		return nil, fmt.Errorf("snapshot: format %d is older than this build's %d", v, SnapshotVersion)
	}
	if e := r.Uint(); r.Err() == nil && e != EngineVersion {
		return nil, fmt.Errorf("snapshot: taken by engine version %d, this is %d", e, EngineVersion)
	}
	if id := r.Blob(); r.Err() == nil && !bytes.Equal(id, w.id[:]) {
		return nil, fmt.Errorf("snapshot: it is of another scenario's run (other settings, seed or inventory)")
	}
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
	for _, err := range []error{
		w.stepper.UnmarshalSnapshot(r),
		w.queue.UnmarshalSnapshot(r),
		w.env.Store.UnmarshalSnapshot(r),
		w.hw.UnmarshalSnapshot(r),
		w.env.Trace.UnmarshalSnapshot(r),
	} {
		if err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
	}
	if hasCtl := r.Bool(); r.Err() == nil && hasCtl != (w.ctl != nil) {
		return nil, fmt.Errorf("snapshot: it was taken with%s a control plane, the scenario has%s one", map[bool]string{true: "", false: "out"}[hasCtl], map[bool]string{true: "", false: " no"}[w.ctl != nil])
	}
	if c := w.ctl; c != nil {
		for _, err := range []error{
			c.Monitor.UnmarshalSnapshot(r),
			c.Repair.UnmarshalSnapshot(r),
			c.Faults.UnmarshalSnapshot(r),
			c.Metrics.UnmarshalSnapshot(r),
		} {
			if err != nil {
				return nil, fmt.Errorf("snapshot: %w", err)
			}
		}
		if has := r.Bool(); r.Err() == nil && has != (c.Workloads != nil) {
			return nil, fmt.Errorf("snapshot: its workloads do not match the scenario's")
		}
		if c.Workloads != nil {
			if err := c.Workloads.UnmarshalSnapshot(r); err != nil {
				return nil, fmt.Errorf("snapshot: %w", err)
			}
		}
	}
	if err := r.Done(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if err := w.checkRestored(now); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	w.env.Now = now
	return w, nil
}

// checkRestored verifies that a restored world is one the simulation can
// run from tick now: every queued event is due from now on and is one its
// subsystem can run, the user's commands are in order up to now, and each
// part agrees with the others and with the store (an actual, target or
// observed record that no part accounts for is refused). A snapshot comes
// back from browser storage, where it can be damaged anywhere.
func (w *World) checkRestored(now clock.Tick) error {
	if now < 0 || now > clock.MaxTick {
		return fmt.Errorf("tick %d out of range", now)
	}
	pending := map[uint64]clock.Scheduled{}
	for _, s := range w.queue.Pending() {
		check := w.checkers[s.Kind.Subsystem()]
		switch {
		case s.At < now:
			return fmt.Errorf("event %v due at t=%d, before the snapshot's t=%d", s.Event, s.At, now)
		case check == nil:
			return fmt.Errorf("event %v of no subsystem this scenario runs", s.Event)
		}
		if err := check(s.Event); err != nil {
			return err
		}
		pending[s.Seq] = s
	}
	for i, c := range w.commands {
		if c.At > now || i > 0 && c.At < w.commands[i-1].At {
			return fmt.Errorf("command %d (%s) at t=%d is out of order (snapshot at t=%d)", i, c.Command, c.At, now)
		}
	}
	if err := w.hw.CheckRestored(now, pending); err != nil {
		return err
	}
	tables := w.env.Views
	targets, observed := 0, 0
	if c := w.ctl; c != nil {
		for e := range w.hw.Elements() {
			if _, ok := tables.Targets.Get(views.ElemID(e)); !ok {
				return fmt.Errorf("%s: no target record", w.hw.Path(w.hw.ElementRef(views.ElemID(e))))
			}
		}
		targets, observed = w.hw.Elements(), w.hw.Elements()
		if err := c.Monitor.CheckRestored(now); err != nil {
			return err
		}
		if err := c.Repair.CheckRestored(now, pending); err != nil {
			return err
		}
		if err := c.Faults.CheckRestored(now); err != nil {
			return err
		}
		if err := c.Metrics.CheckRestored(now); err != nil {
			return err
		}
		if c.Workloads != nil {
			if err := c.Workloads.CheckRestored(now); err != nil {
				return err
			}
		}
	}
	if n := w.env.Views.Faults.Len(); n > 0 && w.ctl == nil {
		return fmt.Errorf("%d fault records, and no fault injector", n)
	}
	if n := w.env.Views.Usage.Len(); n > 0 && (w.ctl == nil || w.ctl.Workloads == nil) {
		return fmt.Errorf("%d usage records, and no workload manager", n)
	}
	for _, t := range []struct {
		name    string
		n, want int
	}{{"target", tables.Targets.Len(), targets}, {"observed", tables.Observations.Len(), observed}} {
		if t.n != t.want {
			return fmt.Errorf("the %s view has %d records, %d of them accounted for", t.name, t.n, t.want)
		}
	}
	return nil
}
