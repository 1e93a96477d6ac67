package sched

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/rng"
)

// Blade is what the scheduler knows of one blade: where it is and what it
// offers. Region, Zone and Rack are the caller's ids; a rack is told apart
// by all three and a zone by Region and Zone, so per-zone numbering works.
type Blade struct {
	Path               string // e.g. region1/zone1/rack1/blade/3, for reasons
	Region, Zone, Rack int32
	Capacity           inventory.Capacity
}

// Key names one held instance; the caller assigns the ids. Key.Workload is
// the wid the caller passes to Place, so affinity sees the same workload.
type Key struct {
	Workload uint32
	Instance uint32
}

func (k Key) String() string {
	return strconv.FormatUint(uint64(k.Workload), 10) + "/" + strconv.FormatUint(uint64(k.Instance), 10)
}

// Compare orders keys by workload, then instance.
func (k Key) Compare(o Key) int {
	if c := cmp.Compare(k.Workload, o.Workload); c != 0 {
		return c
	}
	return cmp.Compare(k.Instance, o.Instance)
}

// Usage is an amount of each capacity dimension: what a blade has free, has
// in use, or offers in all.
type Usage struct {
	MilliCores  Milli
	MemoryMB    int64
	DiskGB      int64
	NetworkMbps int64
	// Accelerators are device models, one entry a device, sorted: Total
	// lists every GPU device, Used those with any milli-GPU in use, Free
	// those wholly free. In a request: the requires.accelerators list.
	Accelerators []string
	// GPUMilli is milli-GPU over the blade's devices (1000 a device):
	// Total, Used, Free. In a request: what requires.gpus asks for in all
	// (whole GPUs × 1000, or the share); the accelerators list is not
	// counted, so it scores as before GPUs.
	GPUMilli int64
}

// The four counted dimensions, in the order reasons report them.
const (
	dimCores = iota // milli-cores
	dimMemory
	dimDisk
	dimNetwork
	dimCount
)

var dimNames = [dimCount]string{"cores", "memory", "disk", "network"}

type vec [dimCount]int64

func (v vec) usage() Usage {
	return Usage{MilliCores: Milli(v[dimCores]), MemoryMB: v[dimMemory], DiskGB: v[dimDisk], NetworkMbps: v[dimNetwork]}
}

func (u *Usage) vec() vec {
	return vec{int64(u.MilliCores), u.MemoryMB, u.DiskGB, u.NetworkMbps}
}

// Cluster is the scheduler's books: every blade's capacity and whether it
// takes new work, what each held instance uses and where, and, per
// workload with an affinity rule and per affinity group, which fault
// domains of the rule's kind it occupies. It is not safe for concurrent
// use; Place reuses scratch space.
type Cluster struct {
	blades []bladeState
	domOf  [domainCount][]int32 // blade → dense fault-domain id, per kind of domain

	arch     map[string]int32 // lower-cased arch → id
	acc      map[string]int32 // lower-cased accelerator → id
	accNames []string         // id → spelling on the first blade that has it (accelerators and GPU models)

	devHeld map[Key][]int32 // the devices each hold with accelerators or GPUs takes (gpu.go)

	held      map[Key]holding
	demands   demands
	workloads map[uint32]*wlState // the workloads with an affinity rule that hold instances

	idx *index // the placement index (index.go); nil until the first Place that can use it

	// Scratch for Place: a domain is marked when mark[d] == epoch, so
	// nothing is cleared between calls.
	epoch        uint32
	groupMark    []uint32 // the placing group is in the domain
	otherMark    []uint32 // another group of the workload is in the domain
	accScratch   []accCount
	modelScratch []int32
	devScratch   []int32

	// The paper's policies (paper.go).
	accLower     []string // id → lower-cased model, the view's
	fgd          *gpushare.FGD
	draw         uint64     // SetDraw
	src          rng.Source // Random's draws in this Place
	viewNode     gpushare.Node
	viewFree     []int64
	viewModels   []string
	viewReq      gpushare.Request
	viewDevs     []int
	decDevs      []int32 // Decision.Devices
	cand         []int32 // Random's scan: the blades that fit and honour the rule
	candFallback []int32 // and those that only fit
}

type bladeState struct {
	path  string
	arch  int32
	sched bool
	why   string // why not schedulable
	cap   *vec   // shared by the blades of the same capacity: read it only
	used  vec
	gpu   *devices // nil: no GPU devices
	keys  []Key    // sorted
	// frag is the blade's fragmentation against FGD's typical tasks,
	// valid while fragOK (paper.go); touch clears it.
	frag   int64
	fragOK bool
}

type accCount struct{ id, n int32 } // id -1: no blade has it

// holding is one held instance: 16 bytes, as the books have one for every
// instance alive.
type holding struct {
	blade  int32
	demand int32 // what it takes, in Cluster.demands
	group  int64 // its affinity group
}

// demands are what held instances take of their blades, each kept once for
// all the holds that take the same (instances of one shape mostly) and
// counted, so the list is as long as the shapes held, not the holds.
type demands struct {
	list []demand
	ids  map[demandKey]int32
	free []int32 // ids of the list's unused entries, reused last freed first
}

type demand struct {
	need vec
	acc  []accCount
	gpu  gpuDemand
	refs int32 // the holds that take it; 0: unused
}

// demandKey is a demand as a map key: its accelerators as bytes, eight
// an entry (id and count, four each), then its GPUs (gpuDemand.appendKey),
// "" for none.
type demandKey struct {
	need vec
	acc  string
}

func keyOf(need vec, acc []accCount, gpu *gpuDemand) demandKey {
	k := demandKey{need: need}
	if len(acc) > 0 || gpu.any() {
		b := make([]byte, 0, 8*len(acc))
		for _, a := range acc {
			b = binary.LittleEndian.AppendUint32(b, uint32(a.id))
			b = binary.LittleEndian.AppendUint32(b, uint32(a.n))
		}
		k.acc = string(gpu.appendKey(b))
	}
	return k
}

// take counts one more hold of (need, acc, gpu) and returns its id.
func (ds *demands) take(need vec, acc []accCount, gpu gpuDemand) int32 {
	k := keyOf(need, acc, &gpu)
	id, ok := ds.ids[k]
	if !ok {
		if n := len(ds.free); n > 0 {
			id, ds.free = ds.free[n-1], ds.free[:n-1]
		} else {
			id = int32(len(ds.list))
			ds.list = append(ds.list, demand{})
		}
		ds.list[id] = demand{need: need, acc: acc, gpu: gpu.clone()}
		if ds.ids == nil {
			ds.ids = map[demandKey]int32{}
		}
		ds.ids[k] = id
	}
	ds.list[id].refs++
	return id
}

// drop counts one hold of demand id less, and forgets it with its last.
func (ds *demands) drop(id int32) {
	d := &ds.list[id]
	if d.refs--; d.refs > 0 {
		return
	}
	delete(ds.ids, keyOf(d.need, d.acc, &d.gpu))
	*d = demand{}
	ds.free = append(ds.free, id)
}

// wlState is where the groups of a workload with an affinity rule are,
// over the kind of fault domain its rule is judged over. A group is found
// by a scan of groups, as Place scans them all anyway. A workload without
// a rule has none: Place never asks where its groups are.
type wlState struct {
	aff    Affinity
	dom    Domain
	held   int32
	groups []groupState // in order of first hold; used as a set
}

// group is the workload's group id, or nil.
func (wl *wlState) group(id int64) *groupState {
	for i := range wl.groups {
		if wl.groups[i].id == id {
			return &wl.groups[i]
		}
	}
	return nil
}

type groupState struct {
	id   int64
	held int32
	doms domSet // over the workload's kind of domain
}

// domSet counts a group's instances per fault domain. A group usually spans
// a few domains, so a list is searched until it grows long.
type domSet struct {
	list []domCount
	at   map[int32]int32 // dom → index in list, once len(list) > domSetLinearMax
}

type domCount struct{ dom, n int32 }

const domSetLinearMax = 16

const (
	archAny  = -1 // the instance takes any arch
	archNone = -2 // no blade has the arch the instance needs
)

const notMarked = "never marked schedulable"

// NewCluster takes the blades in the order the caller numbers them; that
// index is the blade id everywhere else and the tie-breaker of every policy.
// Every blade starts not schedulable. Capacities are clamped to [0, 2^40]
// (inventory's limits are far inside), so no sum can overflow.
func NewCluster(blades []Blade) *Cluster {
	c := &Cluster{
		blades:    make([]bladeState, len(blades)),
		arch:      map[string]int32{},
		acc:       map[string]int32{},
		held:      map[Key]holding{},
		devHeld:   map[Key][]int32{},
		workloads: map[uint32]*wlState{},
		groupMark: make([]uint32, len(blades)),
		otherMark: make([]uint32, len(blades)),
	}
	type rackID struct{ r, z, k int32 }
	// The racks and zones, sorted: sort's, not generic, sorts and searches
	// (each generic sort is 20 kB of the page; see README, Size of the app).
	var racks []rackID
	for i := range blades {
		b := &blades[i]
		if r := (rackID{b.Region, b.Zone, b.Rack}); len(racks) == 0 || racks[len(racks)-1] != r {
			racks = append(racks, r) // a rack's blades are usually together
		}
	}
	rackLess := func(a, b rackID) bool {
		return cmp.Or(cmp.Compare(a.r, b.r), cmp.Compare(a.z, b.z), cmp.Compare(a.k, b.k)) < 0
	}
	sort.Slice(racks, func(i, j int) bool { return rackLess(racks[i], racks[j]) })
	racks = slices.Compact(racks)
	search := func(list []rackID, x rackID) int {
		return sort.Search(len(list), func(j int) bool { return !rackLess(list[j], x) })
	}
	zones := make([]rackID, 0, len(racks))
	for _, r := range racks {
		if z := (rackID{r.r, r.z, 0}); len(zones) == 0 || zones[len(zones)-1] != z {
			zones = append(zones, z)
		}
	}
	for d := range domainCount {
		c.domOf[d] = make([]int32, len(blades))
	}
	caps := map[vec]*vec{}             // a few capacities for many blades
	modelLists := map[string][]int32{} // and a few lists of device models
	for i := range blades {
		b := &blades[i]
		k, z := search(racks, rackID{b.Region, b.Zone, b.Rack}), search(zones, rackID{b.Region, b.Zone, 0})
		c.domOf[DomainBlade][i], c.domOf[DomainRack][i], c.domOf[DomainZone][i] = int32(i), int32(k), int32(z)

		capCores := min(max(b.Capacity.Cores, 0), quantityMax/int64(Core))
		bs := &c.blades[i]
		bs.path, bs.why = b.Path, notMarked
		capacity := vec{capCores * int64(Core), b.Capacity.MemoryMB, b.Capacity.DiskGB, b.Capacity.NetworkMbps}
		for k := range capacity {
			capacity[k] = min(max(capacity[k], 0), quantityMax)
		}
		if bs.cap = caps[capacity]; bs.cap == nil {
			bs.cap = &capacity
			caps[capacity] = bs.cap
		}
		bs.arch = intern(c.arch, b.Capacity.Arch)
		if n := min(b.Capacity.Devices(), GPUsMax); n > 0 {
			models := b.Capacity.DeviceModels()[:n]
			k := strings.ToLower(strings.Join(models, "\x00"))
			ids := modelLists[k]
			if ids == nil {
				ids = make([]int32, len(models))
				for j, m := range models {
					id, ok := c.acc[strings.ToLower(m)]
					if !ok {
						id = intern(c.acc, m)
						c.accNames = append(c.accNames, m)
						c.accLower = append(c.accLower, strings.ToLower(m))
					}
					ids[j] = id
				}
				modelLists[k] = ids
			}
			bs.gpu = &devices{model: ids, used: make([]int32, len(ids))}
		}
	}
	return c
}

func intern(m map[string]int32, s string) int32 {
	k := strings.ToLower(s)
	id, ok := m[k]
	if !ok {
		id = int32(len(m))
		m[k] = id
	}
	return id
}

// Len is the number of blades.
func (c *Cluster) Len() int { return len(c.blades) }

func (c *Cluster) blade(b int32) *bladeState {
	if b < 0 || int(b) >= len(c.blades) {
		panic(fmt.Sprintf("sched: blade %d out of range [0, %d)", b, len(c.blades))) // the caller's bug
	}
	return &c.blades[b]
}

// Path is the blade's path as given to NewCluster.
func (c *Cluster) Path(b int32) string { return c.blade(b).path }

// SetSchedulable says whether Place may choose blade b; why is shown after
// the blade's path in reasons ("is out_for_repair", "rack rack3 is not in
// service"). Instances already held there stay held: draining them is the
// caller's decision.
func (c *Cluster) SetSchedulable(b int32, ok bool, why string) {
	bs := c.blade(b)
	was := bs.sched
	bs.sched, bs.why = ok, ""
	if !ok {
		bs.why = cmp.Or(why, "is not schedulable")
	}
	if ok != was {
		c.touch(b)
	}
}

// Schedulable reports whether Place may choose blade b, and if not, why.
func (c *Cluster) Schedulable(b int32) (bool, string) {
	bs := c.blade(b)
	return bs.sched, bs.why
}

// Total is everything blade b offers.
func (c *Cluster) Total(b int32) Usage {
	bs := c.blade(b)
	u := bs.cap.usage()
	u.Accelerators = c.accList(bs, func(int32) bool { return true })
	if bs.gpu != nil {
		u.GPUMilli = GPUMilli * int64(len(bs.gpu.model))
	}
	return u
}

// Used is what the instances held on blade b consume.
func (c *Cluster) Used(b int32) Usage {
	bs := c.blade(b)
	u := bs.used.usage()
	u.Accelerators = c.accList(bs, func(used int32) bool { return used > 0 })
	if bs.gpu != nil {
		u.GPUMilli = bs.gpu.sum
	}
	return u
}

// Free is what blade b has left: Total minus Used.
func (c *Cluster) Free(b int32) Usage {
	bs := c.blade(b)
	var free vec
	for k := range free {
		free[k] = bs.cap[k] - bs.used[k]
	}
	u := free.usage()
	u.Accelerators = c.accList(bs, func(used int32) bool { return used == 0 })
	if bs.gpu != nil {
		u.GPUMilli = GPUMilli*int64(len(bs.gpu.model)) - bs.gpu.sum
	}
	return u
}

// accList names the blade's devices whose milli-GPU in use pass, sorted.
func (c *Cluster) accList(bs *bladeState, pass func(used int32) bool) []string {
	if bs.gpu == nil {
		return nil
	}
	var names []string
	for i, m := range bs.gpu.model {
		if pass(bs.gpu.used[i]) {
			names = append(names, c.accNames[m])
		}
	}
	slices.Sort(names)
	return names
}

// Instances lists the keys held on blade b, sorted.
func (c *Cluster) Instances(b int32) []Key { return slices.Clone(c.blade(b).keys) }

// Count is the number of instances held on blade b: len(Instances(b))
// without the copy.
func (c *Cluster) Count(b int32) int { return len(c.blade(b).keys) }

// Placement says which blade holds key.
func (c *Cluster) Placement(key Key) (int32, bool) {
	h, ok := c.held[key]
	if !ok {
		return -1, false
	}
	return h.blade, true
}

// want is an instance's needs in the cluster's terms.
type want struct {
	need vec
	arch int32
	acc  []accCount // requires.accelerators: whole devices of a model, sorted by id
	gpu  gpuDemand  // requires.gpus
	devs []int32    // the devices a paper policy chose on the blade (paper.go); nil: the rule of gpu.go
}

// demand turns an instance's needs into the cluster's terms, appending its
// accelerators to acc and its GPU models to models (scratch). It refuses
// what Validate refuses for one instance's quantities, so the books can
// never go negative or past a device.
func (c *Cluster) demand(in *Instance, acc []accCount, models []int32) (want, error) {
	r := &in.Requires
	disk := int64(0)
	for _, v := range in.Volumes {
		if v.SizeGB < 0 || v.SizeGB > quantityMax {
			return want{}, fmt.Errorf("volume %q has size %d GB", v.Name, v.SizeGB)
		}
		disk += v.SizeGB
	}
	wt := want{need: vec{int64(r.Cores), r.MemoryMB, disk, r.NetworkMbps}, arch: archAny}
	for k, n := range wt.need {
		if n < 0 || n > quantityMax {
			return want{}, fmt.Errorf("invalid requirement: %s %d", dimNames[k], n)
		}
	}
	if r.Arch != "" {
		wt.arch = archNone
		if id, ok := c.arch[strings.ToLower(r.Arch)]; ok {
			wt.arch = id
		}
	}
	for _, a := range r.Accelerators {
		id, ok := c.acc[strings.ToLower(a)]
		if !ok {
			id = -1
		}
		j, found := slices.BinarySearchFunc(acc, id, func(x accCount, id int32) int { return cmp.Compare(x.id, id) })
		if !found {
			acc = slices.Insert(acc, j, accCount{id: id})
		}
		acc[j].n++
	}
	wt.acc = acc
	var err error
	if wt.gpu, err = c.gpuDemandOf(&r.GPUs, models); err != nil {
		return want{}, err
	}
	if wt.gpu.any() && len(acc) > 0 {
		return want{}, fmt.Errorf("invalid requirement: both accelerators and gpus")
	}
	return wt, nil
}

// Hold escrows the needs of instance inst of workload w on blade b under
// key, and, when w has an affinity rule, records where its affinity group
// is for Place. It takes GPU devices by the rule of gpu.go. It checks
// capacity and arch only: schedulability and affinity are Place's
// business, so a caller may restore instances onto a blade that has since
// gone out of service. Key.Workload is the wid that Place is given for w:
// while it holds instances, each of its holds must have w's rule and
// domain (another is an error). An inst out of range panics: it is the
// caller's bug.
func (c *Cluster) Hold(b int32, key Key, w *Workload, inst int) error {
	return c.hold(b, key, w, inst, nil, false)
}

// HoldOn is Hold on the given GPU devices of blade b (HeldDevices, as a
// snapshot kept them) rather than those the rule chooses: a restore must
// put each hold back where it was.
func (c *Cluster) HoldOn(b int32, key Key, w *Workload, inst int, devs []int32) error {
	return c.hold(b, key, w, inst, devs, true)
}

func (c *Cluster) hold(b int32, key Key, w *Workload, inst int, devs []int32, given bool) error {
	bs := c.blade(b)
	in := &w.Instances[inst]
	aff, dom := w.Affinity, w.Domain
	if dom >= domainCount {
		dom = DomainRack
	}
	if h, ok := c.held[key]; ok {
		return fmt.Errorf("sched: hold %s on %s: already held on %s", key, bs.path, c.blades[h.blade].path)
	}
	wt, err := c.demand(in, nil, nil)
	if err != nil {
		return fmt.Errorf("sched: hold %s (%s) on %s: %v", key, in.Name, bs.path, err)
	}
	need := wt.need
	if wt.arch != archAny && wt.arch != bs.arch {
		return fmt.Errorf("sched: hold %s (%s) on %s: needs arch %s", key, in.Name, bs.path, in.Requires.Arch)
	}
	for k := range need {
		if free := bs.cap[k] - bs.used[k]; need[k] > free {
			return fmt.Errorf("sched: hold %s (%s) on %s: needs %s, %s free", key, in.Name, bs.path, amount(k, need[k]), amount(k, free))
		}
	}
	switch {
	case given:
		if err := checkDevices(bs.gpu, wt.acc, &wt.gpu, devs); err != nil {
			return fmt.Errorf("sched: hold %s (%s) on %s: %v", key, in.Name, bs.path, err)
		}
		devs = slices.Clone(devs)
	case len(wt.acc) > 0 || wt.gpu.any():
		var ok bool
		devs, ok = pick(bs.gpu, wt.acc, &wt.gpu, nil)
		switch {
		case !ok && len(wt.acc) > 0:
			return fmt.Errorf("sched: hold %s (%s) on %s: needs accelerators %s, has %s free", key, in.Name, bs.path,
				strings.Join(in.Requires.Accelerators, ", "), orNone(c.Free(b).Accelerators))
		case !ok:
			return fmt.Errorf("sched: hold %s (%s) on %s: needs %s, has %s", key, in.Name, bs.path, &in.Requires.GPUs, c.gpuText(bs))
		}
	}
	wl := c.workloads[key.Workload]
	if wl != nil && (wl.aff != aff || wl.dom != dom) {
		return fmt.Errorf("sched: hold %s (%s) on %s: workload %d holds under %s over a %s, not %s over a %s",
			key, in.Name, bs.path, key.Workload, wl.aff, wl.dom, aff, dom)
	}

	for k := range need {
		bs.used[k] += need[k]
	}
	if len(devs) > 0 {
		book(bs.gpu, &wt.gpu, devs, 1)
		c.devHeld[key] = devs
		r := gpuRequest(need, wt.acc, &wt.gpu)
		bs.gpu.tasks.Add(&r, 1)
	}
	c.touch(b)
	i, _ := slices.BinarySearchFunc(bs.keys, key, Key.Compare)
	bs.keys = slices.Insert(bs.keys, i, key)
	c.held[key] = holding{blade: b, demand: c.demands.take(need, wt.acc, wt.gpu), group: in.AffinityGroup}

	if aff == AffinityNone {
		return nil
	}
	if wl == nil {
		wl = &wlState{aff: aff, dom: dom}
		c.workloads[key.Workload] = wl
	}
	g := wl.group(in.AffinityGroup)
	if g == nil {
		wl.groups = append(wl.groups, groupState{id: in.AffinityGroup})
		g = &wl.groups[len(wl.groups)-1]
	}
	wl.held++
	g.held++
	g.doms.add(c.domOf[dom][b])
	return nil
}

// gpuText is a blade's devices for an error: "A100 250/1000, A100 0/1000"
// (milli-GPU in use of each), or "no GPUs".
func (c *Cluster) gpuText(bs *bladeState) string {
	if bs.gpu == nil {
		return "no GPUs"
	}
	var b strings.Builder
	for i, m := range bs.gpu.model {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d/%d", c.accNames[m], bs.gpu.used[i], GPUMilli)
	}
	return b.String()
}

// Release frees what key held; a key not held is a no-op, so the caller may
// release on every exit path.
func (c *Cluster) Release(key Key) {
	h, ok := c.held[key]
	if !ok {
		return
	}
	delete(c.held, key)
	bs := &c.blades[h.blade]
	d := &c.demands.list[h.demand]
	for k := range d.need {
		bs.used[k] -= d.need[k]
	}
	if devs, ok := c.devHeld[key]; ok {
		book(bs.gpu, &d.gpu, devs, -1)
		delete(c.devHeld, key)
		r := gpuRequest(d.need, d.acc, &d.gpu)
		bs.gpu.tasks.Add(&r, -1)
	}
	c.demands.drop(h.demand)
	c.touch(h.blade)
	if i, found := slices.BinarySearchFunc(bs.keys, key, Key.Compare); found {
		bs.keys = slices.Delete(bs.keys, i, i+1)
	}
	wl := c.workloads[key.Workload]
	if wl == nil {
		return // a workload without an affinity rule
	}
	g := wl.group(h.group)
	g.doms.remove(c.domOf[wl.dom][h.blade])
	g.held--
	wl.held--
	if g.held == 0 {
		wl.groups = slices.DeleteFunc(wl.groups, func(x groupState) bool { return x.id == h.group })
	}
	if wl.held == 0 {
		delete(c.workloads, key.Workload)
	}
}

func (s *domSet) add(dom int32) {
	if i := s.find(dom); i >= 0 {
		s.list[i].n++
		return
	}
	s.list = append(s.list, domCount{dom, 1})
	if s.at != nil {
		s.at[dom] = int32(len(s.list) - 1)
	} else if len(s.list) > domSetLinearMax {
		s.at = make(map[int32]int32, len(s.list))
		for i, d := range s.list {
			s.at[d.dom] = int32(i)
		}
	}
}

func (s *domSet) remove(dom int32) {
	i := s.find(dom)
	if s.list[i].n--; s.list[i].n > 0 {
		return
	}
	last := len(s.list) - 1
	s.list[i] = s.list[last]
	s.list = s.list[:last]
	if s.at != nil {
		delete(s.at, dom)
		if i < last {
			s.at[s.list[i].dom] = int32(i)
		}
	}
}

func (s *domSet) find(dom int32) int {
	if s.at != nil {
		if i, ok := s.at[dom]; ok {
			return int(i)
		}
		return -1
	}
	for i, d := range s.list {
		if d.dom == dom {
			return i
		}
	}
	return -1
}

// amount writes a quantity of dimension k for reasons: "1.5 cores",
// "2048 MB", "100 GB", "10 Mbps".
func amount(k int, n int64) string {
	switch k {
	case dimCores:
		if Milli(n) == Core {
			return "1 core"
		}
		return Milli(n).String() + " cores"
	case dimMemory:
		return strconv.FormatInt(n, 10) + " MB"
	case dimDisk:
		return strconv.FormatInt(n, 10) + " GB"
	}
	return strconv.FormatInt(n, 10) + " Mbps"
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
