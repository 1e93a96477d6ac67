package sched

import "fmt"

// PlaceScan is Place without the index: the one pass over the blades that
// the index must agree with, reason for reason.
func PlaceScan(c *Cluster, p Policy, w *Workload, wid uint32, inst int) Decision {
	return c.place(p, w, wid, inst, false)
}

// IndexEager makes c build a shape's tree on its first sighting, so tests
// exercise the index on every Place rather than on repeats only.
func IndexEager(c *Cluster) {
	if c.idx == nil {
		c.newIndex()
	}
	c.idx.eager = true
}

// IndexTrees is how many shape trees c keeps.
func IndexTrees(c *Cluster) int {
	if c.idx == nil {
		return 0
	}
	return len(c.idx.trees)
}

// CheckIndex compares every tree with one built afresh from the books.
func CheckIndex(c *Cluster) error {
	x := c.idx
	if x == nil {
		return nil
	}
	for _, t := range x.trees {
		for n := 2*x.size - 1; n > 0; n-- {
			var best, count int32
			switch {
			case n >= x.size && int(n-x.size) < len(c.blades):
				best, count = c.leaf(&t.shape, n-x.size)
			case n >= x.size:
				best, count = noFit, 0
			default:
				best, count = max(t.best[2*n], t.best[2*n+1]), t.count[2*n]+t.count[2*n+1]
			}
			if t.best[n] != best || t.count[n] != count {
				return fmt.Errorf("tree %+v node %d: best %d count %d, want %d %d", t.shape, n, t.best[n], t.count[n], best, count)
			}
		}
	}
	return nil
}

// PaperScore is what Place scores blade b with for instance inst of w
// under p, one of the paper's policies (paper.go); b must fit it.
func PaperScore(c *Cluster, p Policy, w *Workload, inst int, b int32) int64 {
	wt, err := c.demand(&w.Instances[inst], nil, nil)
	if err != nil {
		panic(err)
	}
	return c.paperScore(p.(*paper).pol, &c.blades[b], wt.need, wt.acc, &wt.gpu)
}
