package sweep

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sha256"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

// Sweep is a spec with its scenario loaded: what runs and what a run's
// result is checked against.
type Sweep struct {
	spec    *Spec
	base    *scenario.Scenario
	id      string
	figures []string // the figures each run reports, in order (Spec.figureNames)
}

// New checks every variant against the scenario (a policy needs
// workloads, and so on) and returns the sweep. Errors name the variant.
func New(spec *Spec, base *scenario.Scenario) (*Sweep, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	for i := range spec.Variants {
		if _, err := spec.Variants[i].Apply(base); err != nil {
			return nil, fmt.Errorf("variants[%d] (%s): %w", i, spec.Variants[i].Name, err)
		}
	}
	return &Sweep{spec: spec, base: base, id: identity(spec, base), figures: spec.figureNames(base)}, nil
}

// identity is the sweep's ID: 16 hex digits of the SHA-256 of the spec
// (its scenario source aside) and the scenario's canonical bytes. Runs
// carry it, so parts of different sweeps are never merged.
func identity(spec *Spec, base *scenario.Scenario) string {
	s := *spec
	s.Scenario = Source{}
	head, _ := json.Marshal(&s)
	body, _ := scenario.Marshal(base)
	h := sha256.New()
	h.Write(head)
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// ID is the sweep's identity (see Result.Sweep).
func (s *Sweep) ID() string { return s.id }

// Spec is the sweep's spec.
func (s *Sweep) Spec() *Spec { return s.spec }

// Base is the scenario every run starts from (before its variant).
func (s *Sweep) Base() *scenario.Scenario { return s.base }

// Runs is the number of runs: variants × seeds.
func (s *Sweep) Runs() int { return len(s.spec.Variants) * s.spec.Seeds.Count }

// Run is one run of a sweep: a variant and a seed. Runs are numbered
// seed by seed, each seed's variants in spec order, so index i is seed
// i / len(variants) and variant i % len(variants).
type Run struct {
	Index   int
	Variant int
	Seed    uint64
}

// At is the run of index i (0 <= i < Runs()).
func (s *Sweep) At(i int) Run {
	n := len(s.spec.Variants)
	return Run{Index: i, Variant: i % n, Seed: s.spec.Seeds.First + uint64(i/n)}
}

// Shard is the indices of part (0-based) of parts: every parts-th run
// from part on, so each part has a share of every variant and seed. The
// parts of 0..parts-1 together are every run, each once.
func (s *Sweep) Shard(part, parts int) ([]int, error) {
	if parts < 1 || part < 0 || part >= parts {
		return nil, fmt.Errorf("shard %d/%d: want 0 <= I < N", part, parts)
	}
	var out []int
	for i := part; i < s.Runs(); i += parts {
		out = append(out, i)
	}
	return out, nil
}

// Result is one run's outcome, as a JSON line:
//
//	{"kind":"run","sweep":"4f0c…","runs":60,"index":7,"variant":"spread","seed":4,
//	 "tick":20000,"trace_sha256":"…","figures":{"availability":0.99,"mttr_ticks":null}}
//
// Figures holds the spec's figures; a figure with no value is null. A run
// that halted (an invariant broke) says why and its figures are left out
// of the summary.
type Result struct {
	Kind    string              `json:"kind"` // "run"
	Sweep   string              `json:"sweep"`
	Runs    int                 `json:"runs"`
	Index   int                 `json:"index"`
	Variant string              `json:"variant"`
	Seed    uint64              `json:"seed"`
	Tick    clock.Tick          `json:"tick"`
	Hash    string              `json:"trace_sha256"`
	Halted  string              `json:"halted,omitempty"`
	Figures map[string]*float64 `json:"figures"`
}

// Do runs run i to the spec's tick, as fast as it goes, and measures it.
// Runs share nothing: any number may run at once, each on its own
// goroutine, and a run's result is the same whatever else runs. An error
// is a run that could not start (the scenario did not build); a run that
// halts is a result that says so.
func (s *Sweep) Do(i int, opts ...sim.Option) (Result, error) {
	r := s.At(i)
	v := s.spec.Variants[r.Variant]
	seed := r.Seed
	v.Seed = &seed
	sc, err := v.Apply(s.base)
	if err != nil {
		return Result{}, fmt.Errorf("run %d (%s, seed %d): %w", i, v.Name, r.Seed, err)
	}
	w, err := sim.New(sc, opts...)
	if err != nil {
		return Result{}, fmt.Errorf("run %d (%s, seed %d): %w", i, v.Name, r.Seed, err)
	}
	if err := w.SetPolicy(clock.NoWait, 0, -1); err != nil {
		return Result{}, err
	}
	res := Result{Kind: "run", Sweep: s.id, Runs: s.Runs(), Index: i, Variant: v.Name, Seed: r.Seed}
	if err := w.RunUntil(s.spec.Ticks); err != nil && w.Halted() == nil {
		return Result{}, fmt.Errorf("run %d (%s, seed %d): %w", i, v.Name, r.Seed, err)
	}
	if err := w.Halted(); err != nil {
		res.Halted = err.Error()
	}
	st := w.Status()
	res.Tick, res.Hash = st.Tick, st.Hash
	res.Figures = map[string]*float64{}
	f := w.Figures()
	for _, name := range s.figures {
		fig, _ := figureByName(name)
		if f == nil {
			res.Figures[name] = nil // no control plane: no figures
			continue
		}
		res.Figures[name] = fig.measure(w, f)
	}
	return res, nil
}
