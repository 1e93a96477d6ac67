package inventory

import (
	"cmp"
	"slices"
	"strconv"
)

// Op is what a reconcile does to one element's definition record.
type Op uint8

const (
	OpCreate Op = iota + 1
	OpUpdate
	OpDelete
)

var opNames = []string{"", "create", "update", "delete"}

func (o Op) String() string               { return enumString(opNames, "op", uint8(o)) }
func (o Op) MarshalText() ([]byte, error) { return marshalEnum(opNames, "op", uint8(o)) }
func (o *Op) UnmarshalText(b []byte) error {
	v, err := parseEnum(opNames[1:], "op", string(b))
	if err == nil {
		*o = Op(v + 1)
	}
	return err
}

// Kind is the type of element a Change is about.
type Kind uint8

const (
	KindRegion Kind = iota + 1
	KindZone
	KindRack
	KindPDU
	KindTOR
	KindBlade
)

var kindNames = []string{"", "region", "zone", "rack", "pdu", "tor", "blade"}

func (k Kind) String() string               { return enumString(kindNames, "kind", uint8(k)) }
func (k Kind) MarshalText() ([]byte, error) { return marshalEnum(kindNames, "kind", uint8(k)) }
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := parseEnum(kindNames[1:], "kind", string(b))
	if err == nil {
		*k = Kind(v + 1)
	}
	return err
}

// Change is one write that turns the old definition into the new one.
// Path is the element's key as the original's store built it: names
// lower-cased, e.g. "region1/zone1/rack2/blade/3".
type Change struct {
	Op   Op     `json:"op"`
	Kind Kind   `json:"kind"`
	Path string `json:"path"`
}

func (c Change) String() string { return c.Op.String() + " " + c.Kind.String() + " " + c.Path }

// Reconcile lists the changes that turn old into new, as the original did
// when it reloaded its inventory file (§1.8): create what is new, update
// what differs (details, ports, capacity, boot info, bootOnPowerOn), delete
// what is gone, and nothing when they are the same. Every child of a created
// or deleted element is listed too, since each element is its own record.
//
// The order is deterministic: the tree is walked in canonical order (racks
// hold PDUs, then TORs, then blades), a parent is created or updated before
// its children and deleted after them. Root Name and Notes are not
// reconciled, as in the original. Either side may be nil (an empty
// inventory). Both must be in canonical order (see Normalize).
func Reconcile(old, new *Definition) []Change {
	var w walker
	var o, n []*Region
	if old != nil {
		o = old.Regions
	}
	if new != nil {
		n = new.Regions
	}
	merge(o, n, func(a, b *Region) int { return compareKeys(a.Name, b.Name) },
		func(a, b *Region) {
			p := nameKey(b.Name)
			if a.Name != b.Name || a.State != b.State || a.Location != b.Location || a.Notes != b.Notes {
				w.add(OpUpdate, KindRegion, p)
			}
			w.zones(p, a.Zones, b.Zones)
		},
		func(a *Region) { w.region(OpDelete, a) },
		func(b *Region) { w.region(OpCreate, b) })
	return w.out
}

// compareKeys matches names as the store's keys do (ignoring case) while
// following the canonical order the lists are sorted in.
func compareKeys(a, b string) int {
	if SameName(a, b) {
		return 0
	}
	return CompareNames(a, b)
}

// merge walks two sorted lists together, calling both, onlyOld or onlyNew.
func merge[E any](old, new []E, compare func(a, b E) int, both func(a, b E), onlyOld, onlyNew func(E)) {
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		switch {
		case j == len(new):
			onlyOld(old[i])
			i++
		case i == len(old):
			onlyNew(new[j])
			j++
		default:
			switch c := compare(old[i], new[j]); {
			case c == 0:
				both(old[i], new[j])
				i++
				j++
			case c < 0:
				onlyOld(old[i])
				i++
			default:
				onlyNew(new[j])
				j++
			}
		}
	}
}

type walker struct{ out []Change }

func (w *walker) add(op Op, k Kind, path string) { w.out = append(w.out, Change{op, k, path}) }

// whole lists an element and its subtree: parent first for a create,
// children first for a delete.
func (w *walker) whole(op Op, k Kind, path string, children func()) {
	if op != OpDelete {
		w.add(op, k, path)
	}
	children()
	if op == OpDelete {
		w.add(op, k, path)
	}
}

func (w *walker) region(op Op, r *Region) {
	p := nameKey(r.Name)
	w.whole(op, KindRegion, p, func() {
		for _, z := range r.Zones {
			w.zone(op, p, z)
		}
	})
}

func (w *walker) zone(op Op, parent string, z *Zone) {
	p := parent + "/" + nameKey(z.Name)
	w.whole(op, KindZone, p, func() {
		for _, k := range z.Racks {
			w.rack(op, p, k)
		}
	})
}

func (w *walker) rack(op Op, parent string, k *Rack) {
	p := parent + "/" + nameKey(k.Name)
	w.whole(op, KindRack, p, func() {
		for _, x := range k.PDUs {
			w.add(op, KindPDU, indexKey(p, "pdu", x.Index))
		}
		for _, x := range k.TORs {
			w.add(op, KindTOR, indexKey(p, "tor", x.Index))
		}
		for _, x := range k.Blades {
			w.add(op, KindBlade, indexKey(p, "blade", x.Index))
		}
	})
}

func indexKey(parent, kind string, index int64) string {
	return parent + "/" + kind + "/" + strconv.FormatInt(index, 10)
}

func (w *walker) zones(parent string, old, new []*Zone) {
	merge(old, new, func(a, b *Zone) int { return compareKeys(a.Name, b.Name) },
		func(a, b *Zone) {
			p := parent + "/" + nameKey(b.Name)
			if a.Name != b.Name || a.Enabled != b.Enabled || a.State != b.State || a.Location != b.Location || a.Notes != b.Notes {
				w.add(OpUpdate, KindZone, p)
			}
			w.racks(p, a.Racks, b.Racks)
		},
		func(a *Zone) { w.zone(OpDelete, parent, a) },
		func(b *Zone) { w.zone(OpCreate, parent, b) })
}

func (w *walker) racks(parent string, old, new []*Rack) {
	merge(old, new, func(a, b *Rack) int { return compareKeys(a.Name, b.Name) },
		func(a, b *Rack) {
			p := parent + "/" + nameKey(b.Name)
			if a.Name != b.Name || a.Enabled != b.Enabled || a.Condition != b.Condition || a.Location != b.Location || a.Notes != b.Notes {
				w.add(OpUpdate, KindRack, p)
			}
			items(w, p, "pdu", KindPDU, a.PDUs, b.PDUs, func(x *PDU) int64 { return x.Index }, func(x, y *PDU) bool {
				return x.Enabled == y.Enabled && x.Condition == y.Condition && slices.Equal(x.Ports, y.Ports)
			})
			items(w, p, "tor", KindTOR, a.TORs, b.TORs, func(x *TOR) int64 { return x.Index }, func(x, y *TOR) bool {
				return x.Enabled == y.Enabled && x.Condition == y.Condition && slices.Equal(x.Ports, y.Ports)
			})
			items(w, p, "blade", KindBlade, a.Blades, b.Blades, func(x *Blade) int64 { return x.Index }, sameBlade)
		},
		func(a *Rack) { w.rack(OpDelete, parent, a) },
		func(b *Rack) { w.rack(OpCreate, parent, b) })
}

func items[E any](w *walker, parent, name string, kind Kind, old, new []E, index func(E) int64, same func(a, b E) bool) {
	merge(old, new, func(a, b E) int { return cmp.Compare(index(a), index(b)) },
		func(a, b E) {
			if !same(a, b) {
				w.add(OpUpdate, kind, indexKey(parent, name, index(b)))
			}
		},
		func(a E) { w.add(OpDelete, kind, indexKey(parent, name, index(a))) },
		func(b E) { w.add(OpCreate, kind, indexKey(parent, name, index(b))) })
}

func sameBlade(a, b *Blade) bool {
	ca, cb := a.Capacity, b.Capacity
	return a.Enabled == b.Enabled && a.Condition == b.Condition && a.BootOnPowerOn == b.BootOnPowerOn &&
		a.Boot == b.Boot && ca.Cores == cb.Cores && ca.MemoryMB == cb.MemoryMB && ca.DiskGB == cb.DiskGB &&
		ca.NetworkMbps == cb.NetworkMbps && ca.Arch == cb.Arch && slices.Equal(ca.Accelerators, cb.Accelerators) &&
		slices.Equal(ca.GPUs, cb.GPUs)
}
