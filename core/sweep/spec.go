package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// Format is the version of the sweep spec this build writes and reads.
// A spec of a newer format is refused with a message saying so; older
// formats will be migrated when there are any.
const Format = 1

// Bounds of a spec: enough for any study a page or a cluster runs, small
// enough that a typo (a million seeds) is refused, not started.
const (
	VariantsMax = 16
	SeedsMax    = 10_000
	RunsMax     = 100_000
)

// Spec is a sweep: the same scenario run to a tick under each variant for
// each seed. Its JSON form (a file, "format" first):
//
//	{
//	  "format": 1,
//	  "name": "placement policies under churn",
//	  "scenario": {"builtin": "workload-churn"},
//	  "variants": [
//	    {"name": "first-fit", "policy": "first-fit"},
//	    {"name": "spread", "policy": "spread"}
//	  ],
//	  "baseline": "first-fit",
//	  "seeds": {"first": 1, "count": 30},
//	  "ticks": 20000,
//	  "figures": ["availability", "instances_waiting_mean"]
//	}
//
// scenario is {"builtin": NAME}, {"file": PATH} (a scenario JSON or an
// inventory YAML; a relative path is relative to the spec's file) or
// {"inline": {...a scenario...}}. variants are variant.Variant overrides;
// a variant may not set the seed, which is the sweep's other axis. baseline
// names the variant the others are compared with, seed by seed (default:
// the first). figures are names from Figures() (default: all of them).
type Spec struct {
	Format   int               `json:"format"`
	Name     string            `json:"name,omitempty"`
	Scenario Source            `json:"scenario"`
	Variants []variant.Variant `json:"variants"`
	Baseline string            `json:"baseline,omitempty"`
	Seeds    Seeds             `json:"seeds"`
	Ticks    clock.Tick        `json:"ticks"`
	Figures  []string          `json:"figures,omitempty"`
}

// Source names a sweep's scenario: exactly one of its fields is set.
type Source struct {
	Builtin string          `json:"builtin,omitempty"`
	File    string          `json:"file,omitempty"`
	Inline  json.RawMessage `json:"inline,omitempty"`
}

// Seeds are Count consecutive seeds from First.
type Seeds struct {
	First uint64 `json:"first"`
	Count int    `json:"count"`
}

// List is the seeds in order.
func (s Seeds) List() []uint64 {
	out := make([]uint64, s.Count)
	for i := range out {
		out[i] = s.First + uint64(i)
	}
	return out
}

// Parse reads a spec (JSON) named name (a file name, for messages). Every
// error is a *strictjson.Error naming the line, column and path of what
// is wrong. The scenario is not loaded: see Load.
func Parse(name string, data []byte) (*Spec, error) {
	var head struct {
		Format *int `json:"format"`
	}
	if err := strictjson.DecodeKnown(name, data, &head); err != nil {
		return nil, err
	}
	switch {
	case head.Format == nil:
		return nil, &strictjson.Error{Name: name, Kind: strictjson.Invalid, Msg: `not a sweep spec: no "format" field`}
	case *head.Format > Format:
		return nil, strictjson.PlaceAt(name, data, "format", fmt.Sprintf("format %d is newer than this build reads (%d): use a newer CloudChamber", *head.Format, Format), nil)
	case *head.Format < 1:
		return nil, strictjson.PlaceAt(name, data, "format", fmt.Sprintf("must be >= 1, got %d", *head.Format), nil)
	}
	s := &Spec{}
	if err := strictjson.Decode(name, data, s); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, strictjson.Place(name, data, err)
	}
	return s, nil
}

// Validate checks the spec but its scenario (Load checks that). Errors
// start with the path of what is wrong: variants[1].policy: ...
func (s *Spec) Validate() error {
	n := 0
	for _, set := range []bool{s.Scenario.Builtin != "", s.Scenario.File != "", len(s.Scenario.Inline) > 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("scenario: give exactly one of builtin, file and inline, got %d", n)
	}
	if len(s.Variants) == 0 || len(s.Variants) > VariantsMax {
		return fmt.Errorf("variants: 1 to %d variants, got %d", VariantsMax, len(s.Variants))
	}
	for i := range s.Variants {
		v := &s.Variants[i]
		if err := v.Validate(); err != nil {
			return fmt.Errorf("variants[%d].%w", i, err)
		}
		if v.Seed != nil {
			return fmt.Errorf("variants[%d].seed: a sweep's variants take their seeds from its seeds", i)
		}
	}
	if err := variant.CheckNames(s.Variants); err != nil {
		return err
	}
	if s.Baseline != "" && s.baselineIndex() < 0 {
		return fmt.Errorf("baseline: %q is not a variant's name", s.Baseline)
	}
	if s.Seeds.Count < 1 || s.Seeds.Count > SeedsMax {
		return fmt.Errorf("seeds.count: 1 to %d seeds, got %d", SeedsMax, s.Seeds.Count)
	}
	if s.Seeds.First > ^uint64(0)-uint64(s.Seeds.Count-1) {
		return fmt.Errorf("seeds.first: %d + %d seeds runs past the largest seed", s.Seeds.First, s.Seeds.Count)
	}
	if runs := len(s.Variants) * s.Seeds.Count; runs > RunsMax {
		return fmt.Errorf("seeds.count: %d variants × %d seeds is %d runs, more than %d", len(s.Variants), s.Seeds.Count, runs, RunsMax)
	}
	if s.Ticks < 1 || s.Ticks > clock.MaxTick {
		return fmt.Errorf("ticks: 1 to %d, got %d", clock.MaxTick, s.Ticks)
	}
	for i, f := range s.Figures {
		if _, ok := figureByName(f); !ok {
			return fmt.Errorf("figures[%d]: unknown figure %q (known: %s)", i, f, strings.Join(Figures(), ", "))
		}
		if slices.Index(s.Figures, f) < i {
			return fmt.Errorf("figures[%d]: %q is listed twice", i, f)
		}
	}
	return nil
}

// baselineIndex is the baseline variant's index (the first when unnamed;
// -1 if the name matches none).
func (s *Spec) baselineIndex() int {
	if s.Baseline == "" {
		return 0
	}
	return slices.IndexFunc(s.Variants, func(v variant.Variant) bool { return strings.EqualFold(v.Name, s.Baseline) })
}

// figureNames are the figures the spec asks for, in order; by default
// all of them, the GPU figures (gpu_*) only when the scenario mentions
// GPUs (scenario.UsesGPUs), so a sweep without them reports as before.
func (s *Spec) figureNames(base *scenario.Scenario) []string {
	if len(s.Figures) > 0 {
		return s.Figures
	}
	if scenario.UsesGPUs(base) {
		return Figures()
	}
	return slices.DeleteFunc(Figures(), func(f string) bool { return strings.HasPrefix(f, "gpu_") })
}

// Load reads the spec's scenario: a built-in by name, a file through read
// (given the path as written in the spec; the caller resolves it), or the
// inline one. name is the spec's name for messages about the inline
// scenario, data the spec's text (to locate them).
func (s *Spec) Load(name string, data []byte, read func(path string) (*scenario.Scenario, error)) (*scenario.Scenario, error) {
	switch {
	case s.Scenario.Builtin != "":
		sc, err := scenario.Builtin(s.Scenario.Builtin)
		if err != nil {
			return nil, strictjson.PlaceAt(name, data, "scenario.builtin", err.Error(), nil)
		}
		return sc, nil
	case s.Scenario.File != "":
		if read == nil {
			return nil, strictjson.PlaceAt(name, data, "scenario.file", "a scenario file cannot be read here: give the scenario inline", nil)
		}
		return read(s.Scenario.File)
	}
	sc, err := scenario.Parse(name, s.Scenario.Inline)
	if err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			line, col, _ := strictjson.Position(data, "scenario.inline")
			se.Within(name, line, col, "scenario.inline")
			return nil, se
		}
		return nil, strictjson.PlaceAt(name, data, "scenario.inline", err.Error(), nil)
	}
	return sc, nil
}
