package faults

// upTree counts a process's members that are up, so that drawing the k-th
// one up costs O(log n) instead of a pass over every member. It is a
// binary indexed tree (P. M. Fenwick, "A new data structure for cumulative
// frequency tables", Software: Practice and Experience 24(3), 1994) over
// 0/1 counts: t[i] (1-based) holds the count of members (i - i&-i, i].
type upTree []int32

// newUpTree is the tree of n members, member j up unless down[j] (down
// may be nil: all up). O(n).
func newUpTree(n int, down []bool) upTree {
	t := make(upTree, n+1)
	for j := range n {
		if down == nil || !down[j] {
			t[j+1]++
		}
	}
	for i := 1; i <= n; i++ {
		if p := i + i&-i; p <= n {
			t[p] += t[i]
		}
	}
	return t
}

// add changes member j's count by d (+1: it came up, -1: it went down).
func (t upTree) add(j int, d int32) {
	for i := j + 1; i < len(t); i += i & -i {
		t[i] += d
	}
}

// find is the member that is the k-th up (from 0), in member order: the
// smallest j with k+1 members up among 0..j. k must be less than the
// number up.
func (t upTree) find(k int) int {
	pos := 0
	step := 1
	for step*2 < len(t) {
		step *= 2
	}
	for ; step > 0; step /= 2 {
		if next := pos + step; next < len(t) && int(t[next]) <= k {
			pos = next
			k -= int(t[next])
		}
	}
	return pos // 1-based pos+1 is the member: 0-based pos
}
