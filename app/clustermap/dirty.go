package clustermap

// Dirty is the set of blades changed since it was last taken: a bit per
// blade and the list of those set, so taking it costs what changed, not
// what exists. After Reset everything counts as changed (All).
type Dirty struct {
	n    int32
	bits []uint64
	list []int32
	all  bool
}

// Reset sizes d for blades 0 … n-1, with everything changed.
func (d *Dirty) Reset(n int) {
	d.n = int32(n)
	d.bits = make([]uint64, (n+63)/64)
	d.list = d.list[:0]
	d.all = true
}

// Mark records that blade b changed (b out of range is ignored).
func (d *Dirty) Mark(b int32) {
	if d.all || b < 0 || b >= d.n {
		return
	}
	w, bit := b>>6, uint64(1)<<(b&63)
	if d.bits[w]&bit == 0 {
		d.bits[w] |= bit
		d.list = append(d.list, b)
	}
}

// MarkAll records that everything changed.
func (d *Dirty) MarkAll() { d.all = true }

// Take empties d: it reports whether everything changed (then fn is not
// called), else calls fn with each blade changed, in the order marked.
func (d *Dirty) Take(fn func(b int32)) (all bool) {
	all = d.all
	for _, b := range d.list {
		d.bits[b>>6] &^= 1 << (b & 63)
		if !all {
			fn(b)
		}
	}
	d.list = d.list[:0]
	d.all = false
	return all
}

// Len is the number of blades marked (0 when All).
func (d *Dirty) Len() int { return len(d.list) }
