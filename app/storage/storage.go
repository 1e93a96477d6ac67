// Package storage is what the page keeps in the browser: the scenario
// library and the autosaved session, as records (SavedScenario, Session,
// Snapshot), behind the Storage interface, with the errors every
// implementation returns. Memory is the implementation in memory (tests,
// and browsers without IndexedDB); wasm/idb is the one in IndexedDB.
//
// The package has no UI and no browser code: the page (package app) and
// the IndexedDB adapter (wasm/idb) both import it, and neither imports the
// other.
package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
)

// Storage keeps the scenario library and the autosaved session. In the
// browser it is IndexedDB (package wasm/idb); where that is unavailable,
// and in tests, it is Memory, and the page says so.
//
// Writes name the revision they read, so two tabs editing the same
// scenario never silently overwrite each other: the second gets
// ErrConflict. A write is one transaction: it lands whole or not at all.
type Storage interface {
	// Kind names the storage for the user: "IndexedDB" or "memory".
	Kind() string
	// Scenarios lists the saved scenarios, newest first. A record that
	// cannot be read is skipped, and its error (naming it) is returned in
	// bad; the rest load.
	Scenarios(ctx context.Context) (good []SavedScenario, bad []error, err error)
	// PutScenario writes s if the stored revision is s.Rev (0: it must be
	// new) and returns it with its new Rev and Modified.
	PutScenario(ctx context.Context, s SavedScenario) (SavedScenario, error)
	// DeleteScenario removes a saved scenario.
	DeleteScenario(ctx context.Context, id string) error
	// Session is the autosaved session, nil if there is none. A stored
	// session that cannot be read (damaged, or of a newer format) is an
	// error naming it, and stays as it is: PutSession will not write over
	// it until SetSessionAside has moved it.
	Session(ctx context.Context) (*Session, error)
	// PutSession writes s as the session if the stored one is still at
	// revision s.Rev (0: there is none), and returns the new revision. A
	// tab whose session another tab has written since gets ErrConflict,
	// so two tabs never overwrite each other's work silently; a stored
	// session that cannot be read gives ErrUnreadable.
	PutSession(ctx context.Context, s *Session) (rev int64, err error)
	// SetSessionAside moves the stored session record, as it is (read or
	// not), aside under a new key, which it returns ("" when there was no
	// session), so that nothing writes over it; the session is then empty.
	SetSessionAside(ctx context.Context) (key string, err error)
	// LastSweep is the last sweep the page completed, nil if there is
	// none. A record that cannot be read is an error naming it.
	LastSweep(ctx context.Context) (*SweepRecord, error)
	// PutLastSweep keeps sw as the last sweep, replacing the one before.
	PutLastSweep(ctx context.Context, sw *SweepRecord) error
	// LastFill is the last GPU fill experiment the page completed, nil if
	// there is none. A record that cannot be read is an error naming it.
	LastFill(ctx context.Context) (*FillRecord, error)
	// PutLastFill keeps f as the last fill experiment, replacing the one
	// before.
	PutLastFill(ctx context.Context, f *FillRecord) error
	// Closed is closed once the storage was closed under the page (by
	// another tab opening a newer version, or by the browser): every later
	// call returns an error wrapping ErrClosed, and the page asks for a
	// reload. Nil for a storage that is never closed so.
	Closed() <-chan struct{}
}

// Errors storage returns (wrapped, with the details).
var (
	ErrConflict = errors.New("changed elsewhere since it was read")
	ErrQuota    = errors.New("the browser's storage for this site is full")
	ErrClosed   = errors.New("the storage was closed by another tab (a newer version of the app?); reload the page")
	ErrNotFound = errors.New("not found")
	// ErrUnreadable: the stored session cannot be read, so it is not
	// written over (SetSessionAside first).
	ErrUnreadable = errors.New("the stored session cannot be read, so it is kept and not written over")
)

// SavedScenario is one scenario of the library.
type SavedScenario struct {
	ID       string // unique, made when first saved
	Name     string
	Modified int64  // unix milliseconds of the last write
	Rev      int64  // bumped by every write
	Scenario []byte // canonical JSON (scenario.Marshal), with its commands and tick
	// Compare is a comparison's link (s3.…, link.EncodeCompare): the
	// entry is that comparison, opened in the Compare tab, and Scenario
	// is what its variants start from, with the commands given and the
	// tick reached. "" for a scenario (every entry saved before
	// comparisons were).
	Compare string
}

// Session is what a reload resumes: the scenario with the user's commands
// (after a travel back in time, the kept future's too) and the furthest
// tick reached, the tick the session is at, the snapshots taken, and the
// library entry it was opened from ("" when unsaved).
type Session struct {
	// Scenario is the run's canonical JSON. A session to write may give it
	// as ScenarioPieces instead (Scenario nil): its bytes in order, which
	// PutSession copies straight into the stored record, so that a large
	// run's (20 MB at 50,000 blades, mostly the inline inventory's JSON
	// its session keeps anyway) is never held whole in Go beside them.
	// Session gives Scenario.
	Scenario       []byte
	ScenarioPieces [][]byte
	Now            int64      // the tick the session is at; -1: the scenario's own tick (records written before Now existed)
	Snapshots      []Snapshot // oldest first
	SavedID        string
	SavedRev       int64
	Rev            int64 // the stored record's revision: set by Session, checked and bumped by PutSession
}

// ScenarioBytes is the session's scenario: Scenario, or ScenarioPieces
// joined.
func (s *Session) ScenarioBytes() []byte {
	if s.ScenarioPieces == nil {
		return s.Scenario
	}
	return bytes.Join(s.ScenarioPieces, nil)
}

// Snapshot is a world snapshot (sim.World.Snapshot) at a tick.
type Snapshot struct {
	Tick int64
	Data []byte
}

// SweepRecord is the last sweep the page completed, as JSON lines the
// way `ccsim sweep --json` writes them: its header line (the whole spec,
// scenario inline), one line per run, then the summary line; the page
// summarises it again when it shows it (sweep.ReadLines, sweep.FromHeader).
type SweepRecord struct {
	Lines []byte
}

// FillRecord is the last GPU fill experiment the page completed, as the
// GPU fill tab writes it (JSON: the trace's file names and counts, the
// tune, the runs and each run's fill.Result), so the tab shows it again
// after a reload. Storage keeps the bytes as they are.
type FillRecord struct {
	Data []byte
}

// Memory is Storage in memory: for tests, and for browsers without
// IndexedDB (nothing survives a reload, and the page says so).
type Memory struct {
	mu        sync.Mutex
	scenarios map[string]SavedScenario
	session   *Session
	aside     map[string]*Session
	sweep     *SweepRecord
	fill      *FillRecord
	clock     func() int64

	// Unreadable makes the stored session read as damaged (tests of what
	// the page does then).
	Unreadable bool
}

// NewMemory makes an empty Memory; now gives Modified times.
func NewMemory(now func() int64) *Memory {
	return &Memory{scenarios: map[string]SavedScenario{}, aside: map[string]*Session{}, clock: now}
}

// Kind is "memory".
func (m *Memory) Kind() string { return "memory" }

// Closed is nil: nothing closes a Memory under the page.
func (m *Memory) Closed() <-chan struct{} { return nil }

// Scenarios lists them newest first.
func (m *Memory) Scenarios(ctx context.Context) ([]SavedScenario, []error, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]SavedScenario, 0, len(m.scenarios))
	for _, s := range m.scenarios {
		out = append(out, s)
	}
	SortSaved(out)
	return out, nil, nil
}

// SortSaved orders saved scenarios newest first, then by name and id.
// (sort.Slice, not slices.SortFunc: a generic sort is a whole pdqsort in
// the page per element type, 20 kB of wasm; see README, Size of the app.)
func SortSaved(s []SavedScenario) {
	sort.Slice(s, func(i, j int) bool {
		a, b := &s[i], &s[j]
		switch {
		case a.Modified != b.Modified:
			return a.Modified > b.Modified
		case a.Name != b.Name:
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
}

// PutScenario writes s if nobody wrote it since s.Rev.
func (m *Memory) PutScenario(ctx context.Context, s SavedScenario) (SavedScenario, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.scenarios[s.ID]
	if cur.Rev != s.Rev || !ok && s.Rev != 0 {
		return SavedScenario{}, fmt.Errorf("scenario %q: %w (revision %d, you read %d)", s.Name, ErrConflict, cur.Rev, s.Rev)
	}
	s.Rev++
	s.Modified = m.clock()
	s.Scenario = slices.Clone(s.Scenario)
	m.scenarios[s.ID] = s
	return s, nil
}

// DeleteScenario removes one.
func (m *Memory) DeleteScenario(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.scenarios[id]; !ok {
		return fmt.Errorf("scenario %s: %w", id, ErrNotFound)
	}
	delete(m.scenarios, id)
	return nil
}

// Session returns the session.
func (m *Memory) Session(ctx context.Context) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.session == nil {
		return nil, nil
	}
	if m.Unreadable {
		return nil, errors.New("the saved session cannot be read: damaged (a test)")
	}
	s := *m.session
	return &s, nil
}

// PutSession writes the session if nobody wrote it since s.Rev.
func (m *Memory) PutSession(ctx context.Context, s *Session) (int64, error) {
	if s == nil {
		return 0, errors.New("saving the session: no session (nil)")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var cur int64
	if m.session != nil {
		if m.Unreadable {
			return 0, fmt.Errorf("saving the session: %w", ErrUnreadable)
		}
		cur = m.session.Rev
	}
	if cur != s.Rev {
		return 0, fmt.Errorf("saving the session: %w (revision %d, this tab read %d)", ErrConflict, cur, s.Rev)
	}
	c := *s
	c.Scenario, c.ScenarioPieces = s.ScenarioBytes(), nil
	c.Snapshots = slices.Clone(s.Snapshots)
	c.Rev++
	m.session = &c
	return c.Rev, nil
}

// SetSessionAside moves the session aside.
func (m *Memory) SetSessionAside(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.session == nil {
		return "", nil
	}
	key := fmt.Sprintf("aside-%d-%d", m.clock(), len(m.aside)+1)
	m.aside[key], m.session, m.Unreadable = m.session, nil, false
	return key, nil
}

// Aside is a session set aside, as it was stored (tests).
func (m *Memory) Aside(key string) *Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.aside[key]
}

// LastSweep returns the last sweep kept, nil if none.
func (m *Memory) LastSweep(ctx context.Context) (*SweepRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sweep == nil {
		return nil, nil
	}
	return &SweepRecord{Lines: slices.Clone(m.sweep.Lines)}, nil
}

// PutLastSweep keeps a copy of sw as the last sweep.
func (m *Memory) PutLastSweep(ctx context.Context, sw *SweepRecord) error {
	if sw == nil {
		return errors.New("keeping the sweep: no sweep (nil)")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep = &SweepRecord{Lines: slices.Clone(sw.Lines)}
	return nil
}

// LastFill returns the last fill experiment kept, nil if none.
func (m *Memory) LastFill(ctx context.Context) (*FillRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fill == nil {
		return nil, nil
	}
	return &FillRecord{Data: slices.Clone(m.fill.Data)}, nil
}

// PutLastFill keeps a copy of f as the last fill experiment.
func (m *Memory) PutLastFill(ctx context.Context, f *FillRecord) error {
	if f == nil {
		return errors.New("keeping the fill experiment: no experiment (nil)")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fill = &FillRecord{Data: slices.Clone(f.Data)}
	return nil
}
