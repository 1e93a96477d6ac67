package sched

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/scoring"
)

// CustomName is the name a user-written policy is chosen by, in a
// scenario's workloads.policy; its expressions are in workloads.custom.
const CustomName = "custom"

// CustomSpec is a user-written policy as a scenario writes it: a filter
// (which fitting blades it takes; empty: all) and a score (the highest
// wins, ties to the lowest blade index; empty: 0, so the first blade the
// filter takes). Both are core/scoring expressions. At least one is set.
//
//	"policy": "custom",
//	"custom": {"filter": "blade.instances < 8", "score": "blade.free_memory_mb - request.memory_mb"}
type CustomSpec struct {
	Filter string `json:"filter,omitempty"`
	Score  string `json:"score,omitempty"`
}

// Compile checks the expressions and returns the policy. Errors start
// with the field: "score: column 12: unknown name blade.cpu (known: …)".
func (s CustomSpec) Compile() (*Custom, error) {
	if strings.TrimSpace(s.Filter) == "" && strings.TrimSpace(s.Score) == "" {
		return nil, errors.New("filter: give a filter, a score or both")
	}
	p := &Custom{spec: s}
	var err error
	if strings.TrimSpace(s.Filter) != "" {
		if p.filter, err = scoring.CompileFilter(s.Filter); err != nil {
			return nil, located(err)
		}
	}
	if strings.TrimSpace(s.Score) != "" {
		if p.score, err = scoring.CompileScore(s.Score); err != nil {
			return nil, located(err)
		}
	}
	return p, nil
}

// PolicyFor is the policy a scenario's workloads name: a built-in by
// name, or the custom one (CustomName) compiled from spec, which is given
// with it and only with it. Errors start with the field they are about:
// "policy: ..." or "custom.score: column 12: ...".
func PolicyFor(name string, spec *CustomSpec) (Policy, error) {
	if !strings.EqualFold(name, CustomName) {
		if spec != nil {
			return nil, fmt.Errorf("custom: given, but the policy is %q: set the policy to %s to use these expressions", name, CustomName)
		}
		p, err := PolicyByName(name)
		if err != nil {
			return nil, fmt.Errorf("policy: unknown placement policy %q (want one of %s, or %s with custom expressions)", name, strings.Join(Policies(), ", "), CustomName)
		}
		return p, nil
	}
	if spec == nil {
		return nil, fmt.Errorf("custom: the %s policy needs its expressions: \"custom\": {\"filter\": ..., \"score\": ...}", CustomName)
	}
	p, err := spec.Compile()
	if err != nil {
		return nil, fmt.Errorf("custom.%w", err)
	}
	return p, nil
}

// located spells a scoring error as a field of the spec.
func located(err error) error {
	var se *scoring.Error
	if errors.As(err, &se) && se.Col > 0 {
		return fmt.Errorf("%s: column %d: %s", se.Expr, se.Col, se.Msg)
	}
	return err
}

// Custom is a compiled user-written policy. It is read-only once built,
// so worlds running at once may share one.
type Custom struct {
	spec   CustomSpec
	filter *scoring.Expr // nil: every fitting blade
	score  *scoring.Expr // nil: 0
}

// Name is CustomName.
func (*Custom) Name() string { return CustomName }

// Spec is what the policy was compiled from.
func (p *Custom) Spec() CustomSpec { return p.spec }

// Score rates blade b as Judge does, the lowest int64 where the score
// cannot be computed (Place uses Judge, which says why).
func (p *Custom) Score(c *Cluster, b int32, need *Usage) int64 {
	_, s, err := p.Judge(c, b, need)
	if err != nil {
		return -1 << 63
	}
	return s
}

// Judge is the filter and the score of blade b for need, which fits it.
// err is an expression that failed on this blade (a division by zero):
// the blade is passed over, and the wait reason says so.
func (p *Custom) Judge(c *Cluster, b int32, need *Usage) (ok bool, score int64, err error) {
	var v scoring.Vars
	bs := &c.blades[b]
	for k, dv := range [dimCount]scoring.Var{scoring.BladeFreeCores, scoring.BladeFreeMemoryMB, scoring.BladeFreeDiskGB, scoring.BladeFreeNetworkMbps} {
		v[dv] = bs.cap[k] - bs.used[k]
	}
	for k, dv := range [dimCount]scoring.Var{scoring.BladeCores, scoring.BladeMemoryMB, scoring.BladeDiskGB, scoring.BladeNetworkMbps} {
		v[dv] = bs.cap[k]
	}
	n := need.vec()
	for k, dv := range [dimCount]scoring.Var{scoring.RequestCores, scoring.RequestMemoryMB, scoring.RequestDiskGB, scoring.RequestNetworkMbps} {
		v[dv] = n[k]
	}
	if d := bs.gpu; d != nil {
		v[scoring.BladeGPUs] = int64(len(d.used))
		for _, u := range d.used {
			if u == 0 {
				v[scoring.BladeFreeGPUs]++
			}
			v[scoring.BladeMaxFreeGPUMilli] = max(v[scoring.BladeMaxFreeGPUMilli], int64(GPUMilli-u))
		}
		v[scoring.BladeFreeGPUMilli] = GPUMilli*int64(len(d.used)) - d.sum
	}
	v[scoring.RequestGPUs] = int64(len(need.Accelerators))
	if need.GPUMilli >= GPUMilli && need.GPUMilli%GPUMilli == 0 {
		v[scoring.RequestGPUs] += need.GPUMilli / GPUMilli
	}
	v[scoring.RequestGPUMilli] = need.GPUMilli
	v[scoring.BladeInstances] = int64(len(bs.keys))
	v[scoring.BladeIndex] = int64(b)
	v[scoring.BladeRack] = int64(c.domOf[DomainRack][b])
	v[scoring.BladeZone] = int64(c.domOf[DomainZone][b])
	if p.filter != nil {
		if ok, err = p.filter.Bool(&v); err != nil || !ok {
			return false, 0, err
		}
	}
	if p.score != nil {
		if score, err = p.score.Int(&v); err != nil {
			return false, 0, err
		}
	}
	return true, score, nil
}
