package sched

import (
	"slices"

	"github.com/cloudchamber/cloudchamber/core/trace"
)

// The placement index lets Place answer without a pass over the blades.
//
// Every built-in policy's choice for one instance depends on the instance
// only through its demand shape: the policy, the need in each dimension,
// the arch, the accelerators and the GPUs (and, for Random, the draw). For
// a given shape, each blade either does not fit (not schedulable, another
// arch, short in a dimension, of an accelerator or of GPU devices) or fits
// with a fixed score: 0 for first-fit and random, Headroom for spread,
// -Headroom for best-fit, the gpushare policy's 0..100 for the paper's
// others (paper.go: a function of the blade's books, and for FGD of the
// typical tasks, which SetTypical changes only by dropping every tree).
// Headroom is at most 5,000,000 (four dimensions and the GPUs), so a score
// fits in an int32. Random takes the k-th fitting blade for a uniform k, a
// walk down by the counts (nth). A blade's GPU devices change only by a Hold or Release on it,
// which touch its leaf, so the trees stay exact; the fit of a blade's
// devices is a pass over them (a handful), as it is for the scan. A
// shapeTree is a segment tree over the blades, in blade order, that keeps
// per node the best score of its fitting blades and how many fit. The
// policy's choice (highest score, lowest index) is then a walk from the
// root down to the leftmost leaf that holds the root's best: O(log N),
// exact, with the scan's tie-breaking by construction.
//
// A demand shape gets a tree when it is placed the second time within the
// last few misses (a one-off shape is placed by the scan, as before), and
// at most shapeTreesMax trees are kept, the least recently used dropped.
// Building a tree is O(N); every Hold, Release and SetSchedulable updates
// each tree along one path, O(shapeTreesMax · log N), stopping early where
// a node is unchanged (a first-fit tree when the blade still fits: O(1)).
//
// Affinity filters blades by fault domain. Each node also knows, per kind of
// domain, the one domain all its blades share (or that they span several):
//   - a rule that keeps out the domains marked for the workload's other
//     groups (strong anti-affinity, and the honouring pass of weak
//     anti-affinity) skips every node that lies inside one marked domain,
//     so it costs O((k+1) · log N) for k marked domains when domains are
//     contiguous runs of blade ids, and degrades towards one visit per
//     excluded blade when they are interleaved;
//   - a rule that keeps a group in its own domains (strong affinity, and
//     the honouring pass of weak affinity) searches each of the group's
//     domains as a range of blade ids when it is one, O(k · log N), and
//     otherwise walks the whole tree skipping nodes inside unmarked domains
//     (when domains are interleaved, up to one visit per blade scoring
//     above the answer: O(N) at worst, no worse than the scan).
//
// The search is a branch and bound: children are visited best first, and a
// node whose best score cannot beat (or tie at a lower index) the blade in
// hand is skipped, so every answer equals the scan's. When nothing is
// allowed, Place falls back to the scan, which is also what writes the
// reason for a wait: the text is the same, and a wait costs O(N) as before.
// Custom policies always use the scan, and so does Random for a workload
// with an affinity rule.
//
// Memory: a tree is two int32 per node, 2·2^⌈log2 N⌉ nodes (256 KiB at
// 10,000 blades, 2 MiB at 100,000), so at most eight such; the domain
// summaries are three int32 per node and one span per domain, built with
// the first tree. A cluster that never places pays nothing.

const (
	shapeTreesMax = 8 // demand shapes with a tree
	shapeGhostMax = 8 // recent misses remembered, so a second sighting builds

	noFit      = int32(-1 << 31) // score of a blade that does not fit
	domEmpty   = int32(-2)       // a node past the last blade
	domMixed   = int32(-1)       // a node whose blades span several domains
	policyNone = int8(-1)
)

// The built-in policies the index knows, as a shape's first field.
const (
	polFirstFit int8 = iota
	polBestFit
	polSpread
	polRandom // the paper's six (paper.go) from here
	polDotProduct
	polGpuClustering
	polGpuPacking
	polGpuBestFit
	polFGD
)

func indexPolicy(p Policy) int8 {
	switch p := p.(type) {
	case firstFit:
		return polFirstFit
	case bestFit:
		return polBestFit
	case spread:
		return polSpread
	case *paper:
		return p.pol
	}
	return policyNone
}

// shape is what the index keys a tree by. acc is owned by the shape.
type shape struct {
	pol  int8
	arch int32
	need vec
	acc  []accCount
	gpu  gpuDemand
}

func (s *shape) equal(pol int8, wt *want) bool {
	return s.pol == pol && s.need == wt.need && s.arch == wt.arch && slices.Equal(s.acc, wt.acc) && s.gpu.equal(&wt.gpu)
}

func shapeOf(pol int8, wt *want) shape {
	return shape{pol: pol, need: wt.need, arch: wt.arch, acc: slices.Clone(wt.acc), gpu: wt.gpu.clone()}
}

// shapeTree is one shape's segment tree: node 1 is the root, node n's
// children are 2n and 2n+1, and blade b is leaf size+b.
type shapeTree struct {
	shape
	used  uint64  // index clock at last use, for eviction
	best  []int32 // best score among the node's fitting blades; noFit if none
	count []int32 // the node's fitting blades
}

// index is the cluster's set of shape trees and the static per-node
// domain summaries they share. It is built lazily, on the first Place by
// a built-in policy.
type index struct {
	size      int32 // leaves: the least power of two ≥ the number of blades
	trees     []*shapeTree
	ghost     [shapeGhostMax]shape // recent misses, a ring
	ghostUsed [shapeGhostMax]bool
	ghostNext int
	clock     uint64
	eager     bool // tests: build a tree on the first sighting

	uni  [domainCount][]int32 // per node: the domain all its blades share, domMixed or domEmpty
	span [domainCount][]domSpan
}

// domSpan is where a domain's blades lie: [lo, hi) when they are exactly
// those blade ids (contiguous), else contiguous is false.
type domSpan struct {
	lo, hi     int32
	contiguous bool
}

// leaf is blade b's entry in a tree of shape s.
func (c *Cluster) leaf(s *shape, b int32) (score, count int32) {
	bs := &c.blades[b]
	if !bs.sched || (s.arch != archAny && bs.arch != s.arch) {
		return noFit, 0
	}
	for k := range s.need {
		if s.need[k] > bs.cap[k]-bs.used[k] {
			return noFit, 0
		}
	}
	if (len(s.acc) > 0 || s.gpu.any()) && !c.fitsGPU(bs, s.acc, &s.gpu) {
		return noFit, 0
	}
	switch s.pol {
	case polBestFit:
		return int32(-headroom(bs, s.need, s.gpu.amount())), 1
	case polSpread:
		return int32(headroom(bs, s.need, s.gpu.amount())), 1
	case polFirstFit, polRandom:
		return 0, 1
	}
	return int32(c.paperScore(s.pol, bs, s.need, s.acc, &s.gpu)), 1 // 0..100
}

// pull recomputes node n from its children and reports whether it changed.
func (t *shapeTree) pull(n int32) bool {
	best, count := max(t.best[2*n], t.best[2*n+1]), t.count[2*n]+t.count[2*n+1]
	changed := best != t.best[n] || count != t.count[n]
	t.best[n], t.count[n] = best, count
	return changed
}

// touch brings every tree up to date with blade b's state: one leaf and
// its ancestors per tree, stopping where a node does not change.
func (c *Cluster) touch(b int32) {
	c.blades[b].fragOK = false
	x := c.idx
	if x == nil {
		return
	}
	for _, t := range x.trees {
		n := x.size + b
		best, count := c.leaf(&t.shape, b)
		if t.best[n] == best && t.count[n] == count {
			continue // e.g. first-fit, when the blade still fits
		}
		t.best[n], t.count[n] = best, count
		for n /= 2; n > 0; n /= 2 {
			if !t.pull(n) {
				break // the node is unchanged, so are its ancestors
			}
		}
	}
}

// tree finds the tree for a demand shape, or builds one on the shape's
// second recent sighting; nil means the scan should answer.
func (c *Cluster) tree(pol int8, wt *want) *shapeTree {
	x := c.idx
	if x == nil {
		x = c.newIndex()
	}
	x.clock++
	for _, t := range x.trees {
		if t.equal(pol, wt) {
			t.used = x.clock
			return t
		}
	}
	if !x.eager {
		seen := false
		for i := range x.ghost {
			seen = seen || (x.ghostUsed[i] && x.ghost[i].equal(pol, wt))
		}
		if !seen {
			x.ghost[x.ghostNext] = shapeOf(pol, wt)
			x.ghostUsed[x.ghostNext] = true
			x.ghostNext = (x.ghostNext + 1) % shapeGhostMax
			return nil
		}
	}
	var t *shapeTree
	if len(x.trees) < shapeTreesMax {
		t = &shapeTree{best: make([]int32, 2*x.size), count: make([]int32, 2*x.size)}
		x.trees = append(x.trees, t)
	} else { // reuse the least recently used
		t = x.trees[0]
		for _, u := range x.trees[1:] {
			if u.used < t.used {
				t = u
			}
		}
	}
	t.shape = shapeOf(pol, wt)
	t.used = x.clock
	for b := range x.size {
		n := x.size + b
		if int(b) < len(c.blades) {
			t.best[n], t.count[n] = c.leaf(&t.shape, b)
		} else {
			t.best[n], t.count[n] = noFit, 0
		}
	}
	for n := x.size - 1; n > 0; n-- {
		t.pull(n)
	}
	return t
}

// newIndex sizes the index and computes, per kind of domain, each node's
// shared domain and each domain's span of blade ids: O(N).
func (c *Cluster) newIndex() *index {
	x := &index{size: 1}
	for int(x.size) < len(c.blades) {
		x.size *= 2
	}
	for d := range domainCount {
		uni := make([]int32, 2*x.size)
		for b := range x.size {
			uni[x.size+b] = domEmpty
			if int(b) < len(c.blades) {
				uni[x.size+b] = c.domOf[d][b]
			}
		}
		for n := x.size - 1; n > 0; n-- {
			l, r := uni[2*n], uni[2*n+1]
			switch {
			case l == domEmpty || l == r:
				uni[n] = r
			case r == domEmpty:
				uni[n] = l
			default:
				uni[n] = domMixed
			}
		}
		x.uni[d] = uni

		ndom := int32(0)
		for _, id := range c.domOf[d] {
			ndom = max(ndom, id+1)
		}
		span := make([]domSpan, ndom)
		seen := make([]int32, ndom) // blades counted per domain
		for b, id := range c.domOf[d] {
			s := &span[id]
			if seen[id] == 0 {
				s.lo = int32(b)
			}
			seen[id]++
			s.hi = int32(b) + 1
		}
		for id := range span {
			span[id].contiguous = span[id].hi-span[id].lo == seen[id]
		}
		x.span[d] = span
	}
	c.idx = x
	return x
}

// search is one query on a tree: the best allowed blade, ties to the lowest
// index, among blade ids [lo, hi). With marks set, a blade is allowed when
// (marks[its domain] == epoch) == want.
type search struct {
	t      *shapeTree
	size   int32
	lo, hi int32
	uni    []int32
	marks  []uint32
	epoch  uint32
	want   bool
	blade  int32 // -1 until one is found
	score  int32
}

func (q *search) run() {
	q.visit(1, 0, q.size)
}

// visit searches node n, which covers blade ids [lo, hi).
func (q *search) visit(n, lo, hi int32) {
	t := q.t
	if t.count[n] == 0 || hi <= q.lo || lo >= q.hi {
		return
	}
	s := t.best[n]
	if q.blade >= 0 && (s < q.score || (s == q.score && lo > q.blade)) {
		return // cannot beat the blade in hand
	}
	if q.marks != nil {
		if d := q.uni[n]; d >= 0 && (q.marks[d] == q.epoch) != q.want {
			return // wholly inside a domain the rule keeps out
		}
	}
	if n >= q.size { // a leaf: its uni is its own domain, allowed by now
		b := n - q.size
		if q.blade < 0 || s > q.score || (s == q.score && b < q.blade) {
			q.blade, q.score = b, s
		}
		return
	}
	mid := (lo + hi) / 2
	if t.best[2*n+1] > t.best[2*n] {
		q.visit(2*n+1, mid, hi)
		q.visit(2*n, lo, mid)
		return
	}
	q.visit(2*n, lo, mid)
	q.visit(2*n+1, mid, hi)
}

// placeIndexed is Place for a built-in policy through the index. It
// reports ok false when the scan must answer: the shape has no tree yet,
// or nothing allowed fits (the scan then writes the wait reason).
func (c *Cluster) placeIndexed(pol int8, p Policy, who who, in *Instance, wt *want,
	aff Affinity, dom Domain, g *groupState, groupPlaced bool) (Decision, bool) {
	t := c.tree(pol, wt)
	if t == nil || t.count[1] == 0 {
		return Decision{}, false
	}
	x := c.idx
	if pol == polRandom { // uniform among the blades that fit (no affinity rule: Place sees to it)
		b := t.nth(c.drawOne(t.count[1]), x.size)
		return Decision{Blade: b, Reason: c.onReason(who, p, b, wt, trace.Message{})}, true
	}
	all := search{t: t, size: x.size, hi: int32(len(c.blades)), blade: -1}

	// The rule's pass: strong rules filter, weak ones prefer.
	q := all
	switch {
	case (aff == StrongAffinity || aff == WeakAffinity) && groupPlaced:
		c.searchGroupDomains(&q, g, dom)
	case aff == StrongAntiAffinity || aff == WeakAntiAffinity:
		q.uni, q.marks, q.epoch, q.want = x.uni[dom], c.otherMark, c.epoch, false
		q.run()
	default:
		q.run()
	}
	if q.blade >= 0 {
		return Decision{Blade: q.blade, Reason: c.onReason(who, p, q.blade, wt, trace.Message{})}, true
	}
	if aff != WeakAffinity && aff != WeakAntiAffinity {
		return Decision{}, false
	}
	// No fitting blade honours the weak rule, so every fitting blade is a
	// fallback, and the best of them all is the scan's fallback.
	all.run()
	return Decision{Blade: all.blade, Reason: c.onReason(who, p, all.blade, wt,
		c.fallbackNote(aff, dom, in.AffinityGroup, int(t.count[1])))}, true
}

// nth is the k-th blade that fits (from 0, in blade order), k below the
// root's count: a walk down by the children's counts, O(log N).
func (t *shapeTree) nth(k, size int32) int32 {
	n := int32(1)
	for n < size {
		if l := t.count[2*n]; k < l {
			n = 2 * n
		} else {
			k -= l
			n = 2*n + 1
		}
	}
	return n - size
}

// searchGroupDomains searches only the domains group g occupies: each as a
// range of blade ids when its blades are contiguous, else the whole tree
// keeping to marked domains.
func (c *Cluster) searchGroupDomains(q *search, g *groupState, dom Domain) {
	x := c.idx
	spans := x.span[dom]
	for _, d := range g.doms.list {
		if !spans[d.dom].contiguous {
			q.lo, q.hi = 0, int32(len(c.blades))
			q.uni, q.marks, q.epoch, q.want = x.uni[dom], c.groupMark, c.epoch, true
			q.run()
			return
		}
	}
	for _, d := range g.doms.list {
		q.lo, q.hi = spans[d.dom].lo, spans[d.dom].hi
		q.run()
	}
}
