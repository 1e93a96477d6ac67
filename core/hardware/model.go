// Package hardware simulates the physical inventory: every rack's PDUs,
// top-of-rack switches (TORs), blades and the cables between them, as the
// original's per-rack actors did (reference §2), with its defects fixed and
// its unwired parts built.
//
// Power reaches a blade through the PDU outlets cabled to it, the network
// through the TOR ports cabled to it. A blade is powered if any outlet of an
// enabled PDU that is not off feeds it over a cable that is on and not
// faulted; it is connected if any port of an enabled TOR links it over such a
// cable. A change travels: a command changes an outlet or port at the tick it
// is given, and the blade sees its new input after the configured delay.
//
// Every command carries a guard: the tick its sender based the decision on.
// An element changed after that tick refuses the command as too late.
// Requests that cannot reach their target, or reach one that does not
// answer, get no reply at all (Reply.Dropped) — the sender cannot tell which,
// as with real hardware.
//
// The model does no I/O and reads no clock: the simulation sets env.Env.Now,
// and the model schedules its delays and timers as typed events in
// env.Env.Queue, which the simulation hands back to Handle when they are due.
package hardware

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Subsystem is the high byte of the hardware's event kinds.
const Subsystem = registry.SubsystemHardware

// Event kinds.
var (
	EvPower         = clock.MakeKind(Subsystem, 1) // Target blade, Arg 1/0: the blade's power input is now on/off
	EvNetwork       = clock.MakeKind(Subsystem, 2) // Target blade, Arg 1/0: its network input is now up/down
	EvBootTimer     = clock.MakeKind(Subsystem, 3) // Target blade, Ref timer serial
	EvShutdownTimer = clock.MakeKind(Subsystem, 4) // Target blade, Ref timer serial
)

// Delays are how long things take, in ticks.
type Delays struct {
	SetPower      clock.Range `json:"setPower"`      // an outlet change reaching the blade
	SetConnection clock.Range `json:"setConnection"` // a port change reaching the blade
	Booting       clock.Range `json:"booting"`       // booting to working
	Shutdown      clock.Range `json:"shutdown"`      // a graceful shutdown
}

// DefaultDelays are the original's shipped delays, plus a shutdown time of
// our own (the original never built graceful shutdown).
func DefaultDelays() Delays {
	return Delays{
		SetPower:      clock.Range{Low: 1, High: 1},
		SetConnection: clock.Range{Low: 1, High: 1},
		Booting:       clock.Range{Low: 5, High: 8},
		Shutdown:      clock.Range{Low: 2, High: 4},
	}
}

// Validate checks every range: low ≥ 0 and high ≥ low (the original's
// rule), and at most clock.SettingMax.
func (d Delays) Validate() error {
	for _, c := range []struct {
		name string
		r    clock.Range
	}{{"setPower", d.SetPower}, {"setConnection", d.SetConnection}, {"booting", d.Booting}, {"shutdown", d.Shutdown}} {
		if err := c.r.Validate("delays."+c.name, 0); err != nil {
			return err
		}
	}
	return nil
}

// Random streams of the hardware, one per delay, so that drawing one kind
// of delay never shifts the others; their numbers are in package registry.
const (
	streamPower = iota + 1
	streamConnection
	streamBoot
	streamShutdown
	streamCount = streamShutdown
)

// Kind is the type of an element.
type Kind uint8

const (
	KindRack Kind = iota + 1
	KindPDU
	KindTOR
	KindBlade
)

var kindNames = [...]string{"", "rack", "pdu", "tor", "blade"}

func (k Kind) String() string { return enumName(kindNames[:], uint8(k), "kind") }

// Ref names an element by kind and index: racks, PDUs, TORs and blades are
// each numbered from 0, rack by rack.
type Ref struct {
	Kind  Kind
	Index int32
}

// BladeRef names blade b.
func BladeRef(b views.BladeID) Ref { return Ref{KindBlade, int32(b)} }

// Blade is the index of the blade r names (r.Kind is KindBlade).
func (r Ref) Blade() views.BladeID { return views.BladeID(r.Index) }

// Model is the simulated hardware of a whole inventory. Elements live in
// flat slices, rack by rack in definition order, so a rack's PDUs, TORs and
// blades are contiguous ranges. Clients read them as values (view.go) and
// change them only by commands.
type Model struct {
	env    *env.Env
	delays Delays
	rand   [streamCount + 1]*rng.Source

	racks  []Rack
	pdus   []Device
	tors   []Device
	blades []Blade
	wires  []port   // the ports cabled to each blade, blade by blade (Blade.feedLo)
	Actual *Actuals // the actual records of them all, in the store

	byPath map[string]Ref
	timers uint64 // serial of the last timer armed

	onHeartbeat func(Heartbeat) // the monitor, or nil
	heard       []heard         // by element: what it was last told
	dirty       []views.ElemID  // elements that may have changed since the last flush
	dirtyFlag   []bool
}

// Rack is a rack and its own state machine.
type Rack struct {
	Path                 string // region/zone/rack
	Region, Zone, Name   string
	Def                  RackDef
	State                RackState
	EnteredAt            clock.Tick
	PDULo, PDUHi         int32 // its PDUs are numbered PDULo … PDUHi-1
	TORLo, TORHi         int32
	BladeLo, BladeHi     views.BladeID
	zoneEnabled, enabled bool
}

// Cable is one port of a device (a PDU or TOR) and the cable plugged into it.
// Its path (Model.CablePath) is its device's and its port number's, e.g.
// region/zone/rack/pdu/0/port/3, made when it is asked for.
type Cable struct {
	Place   views.Place
	Port    int64
	To      inventory.Hardware
	Blade   views.BladeID // index of the blade at the far end, or -1
	On      bool          // switched on by its PDU or TOR
	Faulted bool          // broken: carries nothing and refuses changes until fixed
	Guard   clock.Tick
}

// carries reports whether the cable passes power or traffic.
func (c *Cable) carries() bool { return c.On && !c.Faulted }

// RackDef is what a rack's definition (inventory.Rack) says of the rack
// itself; its elements are the model's.
type RackDef struct {
	Enabled   bool
	Condition inventory.Condition
	Location  string
	Notes     string
}

// Blade is a server and its state machine. Its fields are ordered so that
// the small ones share words: there is one for every blade.
type Blade struct {
	Path string
	// Def is its definition: a copy shared by the blades defined alike, so
	// read it only.
	Def       *inventory.Blade
	EnteredAt clock.Tick
	Guard     clock.Tick

	timerSerial uint64     // serial of the active boot or shutdown timer (0: none)
	timerSeq    uint64     // its queue handle
	TimerDue    clock.Tick // when it fires (Never: no timer)

	Rack int32
	// The ports cabled to this blade are Model.wires[feedLo:linkLo], the PDU
	// outlets that feed it, and wires[linkLo:linkHi], the TOR ports that
	// link it.
	feedLo, linkLo, linkHi int32

	State         BladeState
	Powered       bool // power input as last delivered
	Connected     bool // network input as last delivered
	rebootPending bool // a soft reboot: boot again when the shutdown completes
}

// port is a PDU or TOR port by device index and position in its ports.
type port struct {
	dev, slot int32
}

// New builds the hardware of def: every element and cable, named and
// indexed, in no state yet. It records and schedules nothing; Start then
// starts a fresh run, or UnmarshalSnapshot restores one.
func New(def *inventory.Definition, env *env.Env, delays Delays, seed uint64) (*Model, error) {
	if err := delays.Validate(); err != nil {
		return nil, err
	}
	// Every list is made at its final length: grown by append, the blades
	// alone allocated five times their final 7 MB at 50,000 blades.
	n := def.Counts()
	m := &Model{env: env, delays: delays, byPath: make(map[string]Ref, n.Racks+n.PDUs+n.TORs+n.Blades), Actual: newActuals(env.Store),
		racks: make([]Rack, 0, n.Racks), pdus: make([]Device, 0, n.PDUs), tors: make([]Device, 0, n.TORs), blades: make([]Blade, 0, n.Blades),
		wires: make([]port, 0, 2*n.Blades)} // a blade usually has one outlet and one port
	m.rand = [streamCount + 1]*rng.Source{
		streamPower:      rng.New(seed, registry.StreamPower),
		streamConnection: rng.New(seed, registry.StreamConnection),
		streamBoot:       rng.New(seed, registry.StreamBoot),
		streamShutdown:   rng.New(seed, registry.StreamShutdown),
	}
	defs := bladeDefs{}
	built := 0
	for _, region := range def.Regions {
		for _, zone := range region.Zones {
			for _, rack := range zone.Racks {
				m.addRack(region, zone, rack, defs)
				built = m.yieldEvery(built, 1+len(rack.PDUs)+len(rack.TORs)+len(rack.Blades))
			}
		}
	}
	m.index()
	return m, nil
}

// yieldElements is how many elements the model builds or indexes between
// two calls of env.Yield.
const yieldElements = 1024

// yieldEvery adds n elements done to since (those since the last yield)
// and yields once they reach yieldElements; it returns the new count.
func (m *Model) yieldEvery(since, n int) int {
	if since += n; since >= yieldElements {
		m.env.Yield()
		return 0
	}
	return since
}

// bladeDefs shares blade definitions between the blades defined alike
// (the same index, flags, boot and capacity: in a generated inventory, the
// blades at one position of every rack), so the model keeps a few copies
// rather than one a blade, and none of the definition it was built from.
type bladeDefs map[bladeDefKey]*inventory.Blade

type bladeDefKey struct {
	Index                  int64
	Enabled, BootOnPowerOn bool
	Condition              inventory.Condition
	Boot                   inventory.BootInfo
	Cores, MemoryMB        int64
	DiskGB, NetworkMbps    int64
	Arch                   string
	Accelerators           string // joined by NULs, in order
	NoAccelerators         bool   // Accelerators is nil, not empty
	GPUs                   string // model NUL count NUL, per entry, in order
	NoGPUs                 bool   // GPUs is nil, not empty
}

// of is the shared copy of blade definition b.
func (s bladeDefs) of(b *inventory.Blade) *inventory.Blade {
	c := &b.Capacity
	k := bladeDefKey{Index: b.Index, Enabled: b.Enabled, BootOnPowerOn: b.BootOnPowerOn, Condition: b.Condition, Boot: b.Boot,
		Cores: c.Cores, MemoryMB: c.MemoryMB, DiskGB: c.DiskGB, NetworkMbps: c.NetworkMbps, Arch: c.Arch,
		Accelerators: strings.Join(c.Accelerators, "\x00"), NoAccelerators: c.Accelerators == nil,
		GPUs: gpusKey(c.GPUs), NoGPUs: c.GPUs == nil}
	if d, ok := s[k]; ok {
		return d
	}
	d := *b
	d.Capacity.Accelerators = slices.Clone(c.Accelerators)
	d.Capacity.GPUs = slices.Clone(c.GPUs)
	s[k] = &d
	return &d
}

func gpusKey(gpus []inventory.GPU) string {
	var b []byte
	for _, g := range gpus {
		b = append(b, g.Model...)
		b = append(b, 0)
		b = strconv.AppendInt(b, g.Count, 10)
		b = append(b, 0)
	}
	return string(b)
}

func (m *Model) addRack(region *inventory.Region, zone *inventory.Zone, def *inventory.Rack, defs bladeDefs) {
	ri := int32(len(m.racks))
	path := region.Name + "/" + zone.Name + "/" + def.Name
	r := Rack{Path: path, Region: region.Name, Zone: zone.Name, Name: def.Name,
		Def:   RackDef{Enabled: def.Enabled, Condition: def.Condition, Location: def.Location, Notes: def.Notes},
		State: RackAwaitingStart, EnteredAt: clock.Never,
		zoneEnabled: zone.Enabled, enabled: def.Enabled}
	bladeByID := map[int64]views.BladeID{}
	r.BladeLo = views.BladeID(len(m.blades))
	for _, b := range def.Blades {
		bladeByID[b.Index] = views.BladeID(len(m.blades))
		m.blades = append(m.blades, Blade{Path: fmt.Sprintf("%s/blade/%d", path, b.Index), Rack: ri, Def: defs.of(b),
			State: BladeStart, EnteredAt: clock.Never, TimerDue: clock.Never})
	}
	r.BladeHi = views.BladeID(len(m.blades))
	wiring := make([][2][]port, len(def.Blades)) // by blade of the rack: its PDU outlets and TOR ports
	cables := func(ports []inventory.Port, dev int32, pdu bool) []Cable {
		kind := KindTOR
		if pdu {
			kind = KindPDU
		}
		out := make([]Cable, len(ports))
		for i, p := range ports {
			c := Cable{Place: CablePlace(Ref{kind, dev}, int32(i)), Port: p.Index, To: p.Item, Blade: -1}
			if p.Wired && p.Item.Type == inventory.HwBlade {
				if b, ok := bladeByID[p.Item.ID]; ok {
					c.Blade = b
					w := &wiring[b-r.BladeLo]
					if pdu {
						w[0] = append(w[0], port{dev, int32(i)})
					} else {
						w[1] = append(w[1], port{dev, int32(i)})
					}
				}
			}
			out[i] = c
		}
		return out
	}
	r.PDULo = int32(len(m.pdus))
	for _, p := range def.PDUs {
		pi := int32(len(m.pdus))
		pp := fmt.Sprintf("%s/pdu/%d", path, p.Index)
		m.pdus = append(m.pdus, Device{Kind: KindPDU, Path: pp, Rack: ri, Def: DeviceDef{p.Index, p.Enabled, p.Condition}, EnteredAt: clock.Never, ports: cables(p.Ports, pi, true)})
	}
	r.PDUHi = int32(len(m.pdus))
	r.TORLo = int32(len(m.tors))
	for _, t := range def.TORs {
		ti := int32(len(m.tors))
		tp := fmt.Sprintf("%s/tor/%d", path, t.Index)
		m.tors = append(m.tors, Device{Kind: KindTOR, Path: tp, Rack: ri, Def: DeviceDef{t.Index, t.Enabled, t.Condition}, EnteredAt: clock.Never, ports: cables(t.Ports, ti, false)})
	}
	r.TORHi = int32(len(m.tors))
	for i, w := range wiring {
		b := &m.blades[r.BladeLo+views.BladeID(i)]
		b.feedLo = int32(len(m.wires))
		m.wires = append(m.wires, w[0]...)
		b.linkLo = int32(len(m.wires))
		m.wires = append(m.wires, w[1]...)
		b.linkHi = int32(len(m.wires))
	}
	m.racks = append(m.racks, r)
}

// Start starts every rack, as a fresh run begins: the rack and all its
// state machines enter their first states (racks working, PDUs and TORs
// working with every cable off, blades off and disconnected), each rack
// traced as one span, every element's actual record put in the store.
// Nothing is powered until a command turns outlets on.
func (m *Model) Start() {
	now := m.env.Now
	for ri := range m.racks {
		r := &m.racks[ri]
		sp := m.env.Trace.StartMsg(now, msgStartRack, trace.Str(r.Path))
		sp.ReasonMsg(msgStartRackWhy)
		r.State, r.EnteredAt = RackWorking, now
		sp.Impact(trace.Create, r.Path)
		sp.Info(now, msgRackWorking)
		m.putRack(ri)
		for _, k := range deviceKindsInOrder {
			lo, hi := r.Devices(k)
			for i := lo; i < hi; i++ {
				d := m.device(Ref{k, i})
				d.State, d.EnteredAt, d.Guard = DeviceWorking, now, now
				sp.Impact(trace.Create, d.Path)
				m.putDevice(Ref{k, i})
				for s := range d.ports {
					d.ports[s].Guard = now
					m.putCable(&d.ports[s])
				}
			}
		}
		for bi := r.BladeLo; bi < r.BladeHi; bi++ {
			b := &m.blades[bi]
			b.State, b.EnteredAt, b.Guard = BladeOffDisconnected, now, now
			sp.Impact(trace.Create, b.Path)
			m.putBlade(bi)
		}
		sp.Info(now, msgRackStarted, trace.Int(r.PDUHi-r.PDULo), trace.Int(r.TORHi-r.TORLo), trace.Int(int32(r.BladeHi-r.BladeLo)))
		sp.End()
	}
}

// index names every element, so that Lookup finds it by path.
func (m *Model) index() {
	done := 0
	for ri := range m.racks {
		r := &m.racks[ri]
		done = m.yieldEvery(done, 1+int(r.PDUHi-r.PDULo)+int(r.TORHi-r.TORLo)+int(r.BladeHi-r.BladeLo))
		m.byPath[r.Path] = Ref{KindRack, int32(ri)}
		for _, k := range deviceKindsInOrder {
			lo, hi := r.Devices(k)
			for i := lo; i < hi; i++ {
				m.byPath[m.device(Ref{k, i}).Path] = Ref{k, i}
			}
		}
		for bi := r.BladeLo; bi < r.BladeHi; bi++ {
			m.byPath[m.blades[bi].Path] = BladeRef(bi)
		}
	}
}

// Lookup finds an element by its path (region/zone/rack[/pdu|tor|blade/N]).
func (m *Model) Lookup(path string) (Ref, bool) {
	r, ok := m.byPath[path]
	return r, ok
}

// Path names an element.
func (m *Model) Path(ref Ref) string {
	switch ref.Kind {
	case KindRack:
		return m.racks[ref.Index].Path
	case KindPDU, KindTOR:
		return m.device(ref).Path
	case KindBlade:
		return m.blades[ref.Index].Path
	}
	return fmt.Sprintf("%s#%d", ref.Kind, ref.Index)
}

// Enabled reports whether a blade and everything above it are enabled in
// the definition (the region has no enabled flag; its state counts for
// scheduling, not for the hardware).
func (m *Model) Enabled(b views.BladeID) bool {
	bl := &m.blades[b]
	r := &m.racks[bl.Rack]
	return bl.Def.Enabled && r.enabled && r.zoneEnabled
}

func (m *Model) draw(stream int, r clock.Range) clock.Tick {
	return clock.Tick(m.rand[stream].Range(int64(r.Low), int64(r.High)))
}
