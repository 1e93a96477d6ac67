package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	// Session is the autosaved session, nil if there is none.
	Session(ctx context.Context) (*Session, error)
	// PutSession replaces the autosaved session.
	PutSession(ctx context.Context, s *Session) error
}

// Errors storage returns (wrapped, with the details).
var (
	ErrConflict = errors.New("changed elsewhere since it was read")
	ErrQuota    = errors.New("the browser's storage for this site is full")
	ErrClosed   = errors.New("the storage was closed by another tab (a newer version of the app?); reload the page")
	ErrNotFound = errors.New("not found")
)

// SavedScenario is one scenario of the library.
type SavedScenario struct {
	ID       string // unique, made when first saved
	Name     string
	Modified int64  // unix milliseconds of the last write
	Rev      int64  // bumped by every write
	Scenario []byte // canonical JSON (scenario.Marshal), with its commands and tick
}

// Session is what a reload resumes: the scenario with the user's commands
// and the tick reached, the snapshots taken, and the library entry it was
// opened from ("" when unsaved).
type Session struct {
	Scenario  []byte
	Snapshots []Snapshot // oldest first
	SavedID   string
	SavedRev  int64
}

// Snapshot is a world snapshot (sim.World.Snapshot) at a tick.
type Snapshot struct {
	Tick int64
	Data []byte
}

// Memory is Storage in memory: for tests, and for browsers without
// IndexedDB (nothing survives a reload, and the page says so).
type Memory struct {
	mu        sync.Mutex
	scenarios map[string]SavedScenario
	session   *Session
	clock     func() int64
}

// NewMemory makes an empty Memory; now gives Modified times.
func NewMemory(now func() int64) *Memory {
	return &Memory{scenarios: map[string]SavedScenario{}, clock: now}
}

// Kind is "memory".
func (m *Memory) Kind() string { return "memory" }

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
func SortSaved(s []SavedScenario) {
	slices.SortFunc(s, func(a, b SavedScenario) int {
		switch {
		case a.Modified != b.Modified:
			return int(b.Modified - a.Modified)
		case a.Name != b.Name:
			if a.Name < b.Name {
				return -1
			}
			return 1
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
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
	s := *m.session
	return &s, nil
}

// PutSession replaces the session.
func (m *Memory) PutSession(ctx context.Context, s *Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := *s
	c.Snapshots = slices.Clone(s.Snapshots)
	m.session = &c
	return nil
}
