// Package metrics samples the simulation at a fixed interval (blades per
// state, capacity used, workloads per state, faults, availability) and
// keeps the per-run figures: availability, faults injected and repaired,
// MTTR. Samples are integers, so the CSV is the same on every platform.
//
// The population of every figure is the enabled blades (their target's
// Enabled, as it changes): availability is the working time of enabled
// blades over the time blades were enabled. A figure whose denominator is
// zero has no value: NA in a sample, "n/a" in the CSV.
package metrics

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Subsystem is the high byte of the sampler's event kind.
const Subsystem = registry.SubsystemMetrics

// EvSample takes a sample.
var EvSample = clock.MakeKind(Subsystem, 1)

// MaxRows bounds the samples kept; older ones are dropped in halves
// (every other row), so a long run keeps its whole span at a coarser grain.
const MaxRows = 20_000

// NA stands for a sample value that does not exist, such as availability
// while no blade has been enabled for any time.
const NA = math.MinInt64

// AfterBringUpColumn is the sample column of the availability measured
// from the end of the bring-up (AvailabilityAfterWarmUp), in parts per
// million, NA while it lasts; availability_ppm counts from tick 0.
const AfterBringUpColumn = "availability_after_bringup_ppm"

// Probe is one column fed by another service.
type Probe struct {
	Name string
	Read func() int64
}

// Metrics is the sampler and the run's availability integral.
type Metrics struct {
	env      *env.Env
	hw       *hardware.Model
	interval clock.Tick
	probes   []Probe
	columns  []string
	rows     [][]int64

	working    []bool                // by blade: actual state is working
	state      []hardware.BladeState // by blade: its actual state, as last delivered
	byState    []int64               // blades per actual state, kept as they change: a sample reads it
	enabled    []bool                // by blade: target enabled
	nUp        int64                 // blades working and enabled
	nEnabled   int64
	capacity   views.Usage // of the enabled blades (Instances unused)
	upTicks    int64       // enabled-blade ticks working so far (integrated at each change)
	exposure   int64       // enabled-blade ticks so far: the availability denominator
	since      clock.Tick  // the tick both integrals reach
	stride     int64       // keep one sample every stride intervals (doubles when MaxRows is reached)
	nextSample clock.Tick

	// The bring-up (see WarmedUp): it ends at the first change after which
	// every enabled blade has been working at least once.
	worked     []bool     // by blade: has been working at least once; read only until the bring-up ends
	nPending   int64      // enabled blades that have never been working
	warm       bool       // the bring-up is over
	warmAt     clock.Tick // the tick it ended
	warmUp     int64      // upTicks when it ended
	warmExp    int64      // exposure when it ended
	marks      []Probe    // read when the bring-up ends (SetMarks)
	marked     []int64    // their values then, by mark; nil before
	firstAfter clock.Tick // the tick of the first sample taken after the bring-up ended, -1 before one
}

// New builds the sampler of a sample every interval ticks (0: no samples,
// only the run's figures). It reads and schedules nothing: Start begins a
// fresh run, UnmarshalSnapshot restores one.
func New(env *env.Env, hw *hardware.Model, interval clock.Tick, probes []Probe) *Metrics {
	m := &Metrics{env: env, hw: hw, interval: interval, probes: probes, working: make([]bool, hw.NumBlades()), enabled: make([]bool, hw.NumBlades()), stride: 1,
		state: make([]hardware.BladeState, hw.NumBlades()), byState: make([]int64, len(hardware.BladeStates())),
		worked: make([]bool, hw.NumBlades()), firstAfter: -1}
	m.columns = append(m.columns, "tick")
	for _, s := range hardware.BladeStates()[1:] { // not "invalid"
		m.columns = append(m.columns, "blades_"+s.String())
	}
	m.columns = append(m.columns, "availability_ppm")
	for _, p := range probes {
		m.columns = append(m.columns, p.Name)
	}
	m.columns = append(m.columns, AfterBringUpColumn) // last: a version 3 snapshot's rows lack it
	hw.Actual.Blades.Watch(m.actualChanged)
	env.Views.Targets.Watch(m.targetChanged)
	return m
}

// Start counts the started hardware and arms the first sample, at the
// current tick.
func (m *Metrics) Start() {
	m.sync()
	if m.interval > 0 {
		m.env.Queue.Push(m.env.Now, clock.Event{Kind: EvSample})
	}
}

func (m *Metrics) actualChanged(ch store.Change[views.BladeID, hardware.BladeActual]) {
	if ch.Deleted {
		return
	}
	b, v := ch.Key, ch.New
	if was := m.state[b]; was != v.State {
		m.byState[was]--
		m.byState[v.State]++
		m.state[b] = v.State
	}
	m.set(b, v.State == hardware.BladeWorking, m.enabled[b])
}

// countStates counts the blades per state from the hardware (see sync).
func (m *Metrics) countStates() {
	clear(m.byState)
	for b := range views.BladeID(m.hw.NumBlades()) {
		m.state[b] = m.hw.BladeState(b)
		m.byState[m.state[b]]++
	}
}

// BladesByState is the number of blades in each state, indexed by
// hardware.BladeState (index 0, no state, is 0). Kept as states change:
// it costs nothing to read. Read it only.
func (m *Metrics) BladesByState() []int64 { return m.byState }

func (m *Metrics) targetChanged(ch store.Change[views.ElemID, views.Target]) {
	ref := m.hw.ElementRef(ch.Key)
	if ch.Deleted || ref.Kind != hardware.KindBlade {
		return
	}
	b := ref.Blade()
	m.set(b, m.working[b], ch.New.Enabled)
}

// set records blade b's working and enabled flags, integrating up to now
// first when a count changes.
func (m *Metrics) set(b views.BladeID, working, enabled bool) {
	if working == m.working[b] && enabled == m.enabled[b] {
		return
	}
	m.integrate()
	if m.working[b] && m.enabled[b] {
		m.nUp--
	}
	if m.enabled[b] {
		m.nEnabled--
		m.addCapacity(b, -1)
		if !m.worked[b] {
			m.nPending--
		}
	}
	m.working[b], m.enabled[b] = working, enabled
	m.worked[b] = m.worked[b] || working
	if working && enabled {
		m.nUp++
	}
	if enabled {
		m.nEnabled++
		m.addCapacity(b, 1)
		if !m.worked[b] {
			m.nPending++
		}
	}
	m.checkWarm()
}

// checkWarm ends the bring-up when every enabled blade (one at least) has
// been working, at the tick the integrals reach (set integrates to now
// before a change; sync runs when nothing changed since), so the figures
// measured from its end start from the same instant.
func (m *Metrics) checkWarm() {
	if m.warm || m.nEnabled == 0 || m.nPending > 0 {
		return
	}
	m.warm, m.warmAt, m.warmUp, m.warmExp = true, m.since, m.upTicks, m.exposure
	m.marked = make([]int64, len(m.marks))
	for i, p := range m.marks {
		m.marked[i] = p.Read()
	}
}

// SetMarks gives the counts (faults, placement failures...) to read when
// the bring-up ends, so a figure can be measured from then: Marked gives
// their values. Call it before Start, with the same marks on a restore.
func (m *Metrics) SetMarks(marks []Probe) { m.marks = marks }

// WarmedUp is the tick the bring-up ended, the first tick at which every
// enabled blade had been working at least once, and false while it is not
// over (or no blade is enabled). Figures measured "after the bring-up"
// count from that instant: what happens during the start-up of a cloud
// describes the start-up, not the policy that runs it (the warm-up deletion
// of simulation studies).
func (m *Metrics) WarmedUp() (clock.Tick, bool) { return m.warmAt, m.warm }

// Marked is the value of each mark (SetMarks) when the bring-up ended, in
// their order; nil while it is not over.
func (m *Metrics) Marked() []int64 { return m.marked }

// AvailabilityAfterWarmUp is the fraction of enabled-blade time spent
// working from the end of the bring-up to now, in parts per million, and
// false while the bring-up is not over or no enabled-blade time has
// passed since.
func (m *Metrics) AvailabilityAfterWarmUp() (ppm int64, ok bool) {
	if !m.warm {
		return 0, false
	}
	m.integrate()
	return perMillion(m.upTicks-m.warmUp, m.exposure-m.warmExp)
}

// UpTicksAfterWarmUp is UpTicks counted from the end of the bring-up,
// false while it is not over.
func (m *Metrics) UpTicksAfterWarmUp() (up, exposure int64, ok bool) {
	if !m.warm {
		return 0, 0, false
	}
	m.integrate()
	return m.upTicks - m.warmUp, m.exposure - m.warmExp, true
}

// RowsAfterWarmUp are the samples taken after the bring-up ended, oldest
// first (a tail of Rows; do not modify): empty while it is not over.
func (m *Metrics) RowsAfterWarmUp() [][]int64 {
	if m.firstAfter < 0 {
		return nil
	}
	i, _ := slices.BinarySearchFunc(m.rows, int64(m.firstAfter), func(r []int64, t int64) int { return cmp.Compare(r[0], t) })
	return m.rows[i:]
}

func (m *Metrics) addCapacity(b views.BladeID, sign int64) {
	c := m.hw.Blade(b).Def.Capacity
	m.capacity.MilliCores += sign * c.Cores * 1000
	m.capacity.MemoryMB += sign * c.MemoryMB
	m.capacity.DiskGB += sign * c.DiskGB
	m.capacity.NetworkMbps += sign * c.NetworkMbps
}

// Capacity is the capacity of the blades enabled now, in the units of
// views.Usage: the denominator of capacity used.
func (m *Metrics) Capacity() views.Usage { return m.capacity }

func (m *Metrics) integrate() {
	now := m.env.Now
	m.upTicks += m.nUp * int64(now-m.since)
	m.exposure += m.nEnabled * int64(now-m.since)
	m.since = now
}

// Availability is the fraction of enabled-blade time spent working from
// tick 0 to now, in parts per million, and false when no blade has been
// enabled for any time (UpTicks gives a window's).
func (m *Metrics) Availability() (ppm int64, ok bool) {
	m.integrate()
	return perMillion(m.upTicks, m.exposure)
}

// perMillion is up/exposure in parts per million, false when exposure is 0.
func perMillion(up, exposure int64) (int64, bool) {
	if exposure == 0 {
		return 0, false
	}
	// up ≤ exposure < 2^63, so up × 10^6 needs 128 bits, and the quotient,
	// at most 10^6, fits.
	hi, lo := bits.Mul64(uint64(up), 1_000_000)
	q, _ := bits.Div64(hi, lo, uint64(exposure))
	return int64(q), true
}

// UpTicks is the enabled-blade ticks spent working so far; exposure the
// enabled-blade ticks elapsed. Availability over a window is the
// difference of both between its ends.
func (m *Metrics) UpTicks() (up, exposure int64) {
	m.integrate()
	return m.upTicks, m.exposure
}

// Handle takes a sample and arms the next.
func (m *Metrics) Handle(ev clock.Event) {
	if ev.Kind != EvSample {
		panic(fmt.Sprintf("metrics: unknown event %v", ev))
	}
	row := make([]int64, 0, len(m.columns))
	row = append(row, int64(m.env.Now))
	row = append(row, m.byState[1:]...)
	if a, ok := m.Availability(); ok {
		row = append(row, a)
	} else {
		row = append(row, NA)
	}
	for _, p := range m.probes {
		row = append(row, p.Read())
	}
	if a, ok := m.AvailabilityAfterWarmUp(); ok {
		row = append(row, a)
	} else {
		row = append(row, NA)
	}
	m.rows = append(m.rows, row)
	if m.warm && m.firstAfter < 0 {
		m.firstAfter = m.env.Now
	}
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
			if v == NA {
				b.WriteString("n/a")
			} else {
				b.WriteString(strconv.FormatInt(v, 10))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// MarshalSnapshot writes the samples and the integral.
func (m *Metrics) MarshalSnapshot(w *snap.Writer) {
	w.Section("metrics", 4)
	w.Int(m.upTicks)
	w.Int(m.exposure)
	w.Int(int64(m.since))
	w.Int(m.stride)
	w.Uint(uint64(len(m.columns)))
	w.Uint(uint64(len(m.rows)))
	for _, r := range m.rows {
		for _, v := range r {
			w.Int(v)
		}
	}
	w.Bool(m.warm)
	if m.warm {
		w.Int(int64(m.warmAt))
		w.Int(m.warmUp)
		w.Int(m.warmExp)
		w.Uint(uint64(len(m.marked)))
		for _, v := range m.marked {
			w.Int(v)
		}
		w.Int(int64(m.firstAfter))
		return
	}
	for _, worked := range m.worked { // only until the bring-up ends
		w.Bool(worked)
	}
}

// UnmarshalSnapshot restores the samples; the working flags come from the
// restored hardware. Version 4 adds the bring-up (WarmedUp): its end, or
// which blades have been working while it lasts; an older snapshot knows
// neither, so its bring-up ends when every enabled blade has been working
// since the restore, or at the last change before it if they all are
// working then. Version 3
// gives the width of a row; version 2 rows lack the GPU columns (gpu_*,
// the last ones before AfterBringUpColumn), which read n/a; rows before
// version 4 lack AfterBringUpColumn, which reads n/a.
func (m *Metrics) UnmarshalSnapshot(r *snap.Reader) error {
	version := r.Section("metrics", 4)
	m.upTicks, m.exposure, m.since, m.stride = r.Int(), r.Int(), clock.Tick(r.Int()), r.Int()
	width := len(m.columns) // the columns a saved row has: the first ones
	if version < 4 {
		width-- // no AfterBringUpColumn
	}
	if version < 3 {
		for _, c := range m.columns {
			if strings.HasPrefix(c, "gpu_") {
				width--
			}
		}
	} else if w := r.Len(len(m.columns)); w != width && r.Err() == nil {
		return r.Failf("metrics rows of %d columns, the scenario's have %d", w, width)
	}
	n := r.Len(MaxRows)
	m.rows = make([][]int64, n)
	for i := range m.rows {
		m.rows[i] = make([]int64, len(m.columns))
		for j := range m.rows[i] {
			if j < width {
				m.rows[i][j] = r.Int()
			} else {
				m.rows[i][j] = NA
			}
		}
	}
	m.warm, m.warmAt, m.warmUp, m.warmExp, m.marked, m.firstAfter = false, 0, 0, 0, nil, -1
	clear(m.worked)
	if version >= 4 {
		if m.warm = r.Bool(); m.warm {
			m.warmAt, m.warmUp, m.warmExp = clock.Tick(r.Int()), r.Int(), r.Int()
			if n := r.Len(len(m.marks)); n != len(m.marks) && r.Err() == nil {
				return r.Failf("metrics: %d marks at the end of the bring-up, the scenario has %d", n, len(m.marks))
			}
			m.marked = make([]int64, len(m.marks))
			for i := range m.marked {
				m.marked[i] = r.Int()
			}
			m.firstAfter = clock.Tick(r.Int())
		} else {
			for b := range m.worked {
				m.worked[b] = r.Bool()
			}
		}
	}
	m.sync()
	if m.stride < 1 {
		return r.Failf("metrics stride %d", m.stride)
	}
	return r.Err()
}

// sync derives what the figures follow from the hardware and the targets,
// once (at the start and after a restore): the blades per state, which are
// working and enabled, and the enabled capacity. Then changes keep them;
// a change delivered after sync read it is no change to them.
func (m *Metrics) sync() {
	m.nUp, m.nEnabled, m.nPending, m.capacity = 0, 0, 0, views.Usage{}
	m.countStates()
	for b := range views.BladeID(m.hw.NumBlades()) {
		m.working[b] = m.hw.BladeState(b) == hardware.BladeWorking
		m.worked[b] = m.worked[b] || m.working[b]
		if t, ok := m.env.Views.Targets.Get(hardware.BladeElem(b)); ok {
			m.enabled[b] = t.Enabled
		}
		if m.enabled[b] {
			m.nEnabled++
			m.addCapacity(b, 1)
			if m.working[b] {
				m.nUp++
			}
			if !m.worked[b] {
				m.nPending++
			}
		}
	}
	m.checkWarm()
}

// CheckEvent reports whether ev is the sampler's.
func (m *Metrics) CheckEvent(ev clock.Event) error {
	if ev.Kind != EvSample {
		return fmt.Errorf("metrics event of unknown kind %#04x", uint16(ev.Kind))
	}
	return nil
}

// CheckRestored verifies the restored integrals and samples against tick now.
func (m *Metrics) CheckRestored(now clock.Tick) error {
	switch {
	case m.since < 0 || m.since > now:
		return fmt.Errorf("metrics integrated to t=%d at t=%d", m.since, now)
	case m.upTicks < 0 || m.exposure < 0 || m.upTicks > m.exposure:
		return fmt.Errorf("metrics: %d working of %d enabled blade-ticks", m.upTicks, m.exposure)
	case m.warm && (m.warmAt < 0 || m.warmAt > m.since || m.warmUp < 0 || m.warmExp < m.warmUp || m.warmUp > m.upTicks || m.warmExp > m.exposure ||
		m.firstAfter >= 0 && (m.firstAfter < m.warmAt || m.firstAfter > now)):
		return fmt.Errorf("metrics: the bring-up ended at t=%d with %d working of %d enabled blade-ticks, first sample after it at t=%d (now t=%d, %d of %d)",
			m.warmAt, m.warmUp, m.warmExp, m.firstAfter, now, m.upTicks, m.exposure)
	}
	for i, r := range m.rows {
		if r[0] < 0 || r[0] > int64(now) || i > 0 && r[0] <= m.rows[i-1][0] {
			return fmt.Errorf("metrics sample %d at t=%d is out of order (now t=%d)", i, r[0], now)
		}
	}
	return nil
}
