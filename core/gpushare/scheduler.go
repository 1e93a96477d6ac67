package gpushare

import (
	"fmt"
	"math"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/rng"
)

// Scheduler places requests one at a time on its nodes under a policy, as
// the peer's Kubernetes scheduler does with every node scored
// (percentageOfNodesToScore 100): the nodes the request fits, the best
// score among them, then the policy's devices on that node.
//
// A tie between best-scored nodes goes to the node of lowest Rank when
// Ranks is set, and is drawn uniformly otherwise. The peer's scheduler is a
// fork of Kubernetes 1.20.5 (github.com/mental2008/kubernetes
// v1.20.5-minor) whose selectHost keeps the smallest node name among the
// best-scored instead of Kubernetes' uniform draw, and its experiment
// prefixes each node's name with its place in a random permutation
// (simulator.syncClusterResourceList), so a run breaks ties by a fixed
// random order of the nodes: Ranks. Random is the exception: its node is
// always drawn uniformly among those that fit (the peer's RandomScore
// gives that node alone the top score).
//
// Scores are cached per node and request shape until the node is booked
// again, so a run of thousands of tasks on a thousand nodes scores each
// node only when it has changed since that shape was last seen. Once the
// scheduler has the nodes, book them only through Place: it notes the
// version of the node it books, and a node booked behind its back would
// keep its old scores.
type Scheduler struct {
	Nodes  []Node
	policy Policy
	src    *rng.Source
	// Ranks, when not nil, is each node's priority among best-scored nodes,
	// the lowest first; distinct, one per node.
	Ranks    []int
	shapes   map[shapeKey]int
	cache    [][]cached // by shape, by node
	versions []uint32   // by node, its version when last booked here
	best     []int
	devs     []int
}

type shapeKey struct {
	cpu, mem, milli int64
	gpus            int
	models          string
}

type cached struct {
	stamp uint32 // the node's version + 1 when scored; 0: never
	score int32  // -1: the shape does not fit the node
}

// NewScheduler places on nodes (which it books in place) under p, drawing
// tie-breaks and Random's devices from src.
func NewScheduler(nodes []Node, p Policy, src *rng.Source) *Scheduler {
	s := &Scheduler{Nodes: nodes, policy: p, src: src, shapes: map[shapeKey]int{}, versions: make([]uint32, len(nodes))}
	for i := range nodes {
		s.versions[i] = nodes[i].version
	}
	return s
}

// Policy is the scheduler's policy.
func (s *Scheduler) Policy() Policy { return s.policy }

// Place books r on the best node for it and returns the node's index and
// the devices booked (nil for a CPU request; valid until the next Place).
// It returns -1 and nil, booking nothing, when r fits no node.
func (s *Scheduler) Place(r *Request) (int, []int) {
	row := s.row(r)
	s.best = s.best[:0]
	top := int32(-1)
	for i, v := range s.versions {
		c := &row[i]
		if c.stamp != v+1 {
			c.stamp, c.score = v+1, -1
			if n := &s.Nodes[i]; n.Fits(r) {
				score := s.policy.Score(n, r)
				if score < 0 || score > math.MaxInt32 {
					panic(fmt.Sprintf("gpushare: policy %s scored %d: want 0..%d", s.policy.Name(), score, math.MaxInt32))
				}
				c.score = int32(score)
			}
		}
		switch {
		case c.score < 0 || c.score < top:
		case c.score > top:
			top = c.score
			s.best = append(s.best[:0], i)
		default:
			s.best = append(s.best, i)
		}
	}
	if len(s.best) == 0 {
		return -1, nil
	}
	pick := s.best[0]
	_, random := s.policy.(Random)
	switch {
	case len(s.best) == 1:
	case s.Ranks == nil || random:
		pick = s.best[s.src.Uint64N(uint64(len(s.best)))]
	default:
		for _, i := range s.best[1:] {
			if s.Ranks[i] < s.Ranks[pick] {
				pick = i
			}
		}
	}
	n := &s.Nodes[pick]
	s.devs = s.policy.Devices(s.devs, n, r, s.src)
	if r.UsesGPU() && len(s.devs) != r.GPUs {
		panic("gpushare: policy " + s.policy.Name() + " gave no devices for " + r.String() + " on node " + n.Name)
	}
	n.Place(r, s.devs)
	s.versions[pick] = n.version
	if !r.UsesGPU() {
		return pick, nil
	}
	return pick, s.devs
}

// row is the cache row of r's shape.
func (s *Scheduler) row(r *Request) []cached {
	k := shapeKey{cpu: r.CPUMilli, mem: r.MemoryMiB}
	if r.UsesGPU() {
		k.milli, k.gpus = r.GPUMilli, r.GPUs
		if len(r.Models) > 0 {
			k.models = strings.Join(r.Models, "|")
		}
	} else if len(r.Models) > 0 {
		k.models = strings.Join(r.Models, "|") // no effect on a CPU request, but kept apart all the same
	}
	id, ok := s.shapes[k]
	if !ok {
		id = len(s.cache)
		s.shapes[k] = id
		s.cache = append(s.cache, make([]cached, len(s.Nodes)))
	}
	return s.cache[id]
}
