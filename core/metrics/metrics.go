// Package metrics samples the simulation at a fixed interval (blades per
// state, capacity used, workloads per state, faults, availability) and
// keeps the per-run figures: availability, faults injected and repaired,
// MTTR. Samples are integers, so the CSV is the same on every platform.
package metrics

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
)

// Subsystem is the high byte of the sampler's event kind.
const Subsystem = 6

// EvSample takes a sample.
var EvSample = clock.MakeKind(Subsystem, 1)

// MaxRows bounds the samples kept; older ones are dropped in halves
// (every other row), so a long run keeps its whole span at a coarser grain.
const MaxRows = 20_000

// Probe is one column fed by another service.
type Probe struct {
	Name string
	Read func() int64
}

// Metrics is the sampler and the run's availability integral.
type Metrics struct {
	env      *hardware.Env
	hw       *hardware.Model
	interval clock.Tick
	probes   []Probe
	columns  []string
	rows     [][]int64

	working    []bool // by blade: actual state is working
	nWorking   int64
	enabled    int64      // blades enabled in the definition: the availability denominator
	upTicks    int64      // blade-ticks working so far (integrated at each change)
	since      clock.Tick // the tick upTicks is integrated to
	stride     int64      // keep one sample every stride intervals (doubles when MaxRows is reached)
	nextSample clock.Tick
}

// New starts sampling every interval ticks (0: no samples, only the
// run's figures).
func New(env *hardware.Env, hw *hardware.Model, interval clock.Tick, probes []Probe) *Metrics {
	m := &Metrics{env: env, hw: hw, interval: interval, probes: probes, working: make([]bool, len(hw.Blades)), stride: 1}
	for b := range hw.Blades {
		if hw.Enabled(int32(b)) {
			m.enabled++
		}
	}
	m.columns = append(m.columns, "tick")
	for _, s := range hardware.BladeStates()[1:] { // not "invalid"
		m.columns = append(m.columns, "blades_"+s.String())
	}
	m.columns = append(m.columns, "availability_ppm")
	for _, p := range probes {
		m.columns = append(m.columns, p.Name)
	}
	env.Store.Watch(store.Actual, "", m.actualChanged)
	return m
}

// Start arms the first sample, at the current tick.
func (m *Metrics) Start() {
	if m.interval > 0 {
		m.env.Queue.Push(m.env.Now, clock.Event{Kind: EvSample})
	}
}

func (m *Metrics) actualChanged(ch store.Change) {
	v, ok := ch.New.(hardware.BladeActual)
	if !ok {
		return
	}
	ref, ok := m.hw.Lookup(ch.Key)
	if !ok || ref.Kind != hardware.KindBlade || !m.hw.Enabled(ref.Index) {
		return
	}
	w := v.State == hardware.BladeWorking
	if w == m.working[ref.Index] {
		return
	}
	m.integrate()
	m.working[ref.Index] = w
	if w {
		m.nWorking++
	} else {
		m.nWorking--
	}
}

func (m *Metrics) integrate() {
	now := m.env.Now
	m.upTicks += m.nWorking * int64(now-m.since)
	m.since = now
}

// Availability is the fraction of enabled-blade time spent working from
// tick 0 to now, in parts per million (UpTicks gives a window's).
func (m *Metrics) Availability() int64 {
	m.integrate()
	total := m.enabled * int64(m.env.Now)
	if total == 0 {
		return 0
	}
	return m.upTicks * 1_000_000 / total
}

// UpTicks is the blade-ticks spent working so far; Exposure the
// enabled-blade ticks elapsed. Availability over a window is the
// difference of both between its ends.
func (m *Metrics) UpTicks() (up, exposure int64) {
	m.integrate()
	return m.upTicks, m.enabled * int64(m.env.Now)
}

// Handle takes a sample and arms the next.
func (m *Metrics) Handle(ev clock.Event) {
	if ev.Kind != EvSample {
		panic(fmt.Sprintf("metrics: unknown event %v", ev))
	}
	row := make([]int64, 0, len(m.columns))
	row = append(row, int64(m.env.Now))
	counts := make([]int64, len(hardware.BladeStates()))
	for b := range m.hw.Blades {
		counts[m.hw.Blades[b].State]++
	}
	row = append(row, counts[1:]...)
	row = append(row, m.Availability())
	for _, p := range m.probes {
		row = append(row, p.Read())
	}
	m.rows = append(m.rows, row)
	if len(m.rows) >= MaxRows {
		kept := m.rows[:0]
		for i := 0; i < len(m.rows); i += 2 {
			kept = append(kept, m.rows[i])
		}
		m.rows = kept
		m.stride *= 2
	}
	m.env.Queue.Push(m.env.Now+m.interval*clock.Tick(m.stride), clock.Event{Kind: EvSample})
}

// Columns are the names of a sample's values.
func (m *Metrics) Columns() []string { return m.columns }

// Rows are the samples so far, oldest first (do not modify).
func (m *Metrics) Rows() [][]int64 { return m.rows }

// CSV writes the samples with a header line.
func (m *Metrics) CSV() string {
	var b strings.Builder
	b.WriteString(strings.Join(m.columns, ","))
	b.WriteByte('\n')
	for _, r := range m.rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(v, 10))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// MarshalSnapshot writes the samples and the integral.
func (m *Metrics) MarshalSnapshot(w *snap.Writer) {
	w.Section("metrics", 1)
	w.Int(m.upTicks)
	w.Int(int64(m.since))
	w.Int(m.stride)
	w.Uint(uint64(len(m.rows)))
	for _, r := range m.rows {
		for _, v := range r {
			w.Int(v)
		}
	}
}

// UnmarshalSnapshot restores the samples; the working flags come from the
// restored hardware.
func (m *Metrics) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("metrics", 1)
	m.upTicks, m.since, m.stride = r.Int(), clock.Tick(r.Int()), r.Int()
	n := r.Len(MaxRows)
	m.rows = make([][]int64, n)
	for i := range m.rows {
		m.rows[i] = make([]int64, len(m.columns))
		for j := range m.rows[i] {
			m.rows[i][j] = r.Int()
		}
	}
	m.nWorking = 0
	for b := range m.hw.Blades {
		m.working[b] = m.hw.Enabled(int32(b)) && m.hw.Blades[b].State == hardware.BladeWorking
		if m.working[b] {
			m.nWorking++
		}
	}
	if m.stride < 1 {
		return r.Failf("metrics stride %d", m.stride)
	}
	return r.Err()
}
