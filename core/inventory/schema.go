package inventory

// The walk over the original's schema (§1.7): one function per element,
// each reading its keys through mapping (merge keys applied) and rejecting
// keys the schema does not have.

import "fmt"

func (p *parser) root(n node) (*Definition, error) {
	defer p.release(p.mark())
	top := within("", "the top level")
	if n.kind() != mappingNode {
		return nil, fail(n, at{}, "", "must hold a mapping with Details and Regions, got %s", describe(n))
	}
	fs, err := p.mapping(n, top, "")
	if err != nil {
		return nil, err
	}
	if err := known(fs, top, "", "Details", "Regions", "ZoneTypes", "RackTypes", "PduTypes", "TorTypes", "BladeTypes"); err != nil {
		return nil, err
	}
	d := &Definition{}
	root := at{}
	if f := lookup(fs, "details"); f != nil {
		dfs, err := p.mapping(f.v, root, "Details")
		if err != nil {
			return nil, err
		}
		if err := known(dfs, root, "Details", "Name", "Notes"); err != nil {
			return nil, err
		}
		if d.Name, err = p.optStr(dfs, "name", root, "Details.Name"); err != nil {
			return nil, err
		}
		if d.Notes, err = p.optStr(dfs, "notes", root, "Details.Notes"); err != nil {
			return nil, err
		}
	}
	f := lookup(fs, "regions")
	if f == nil {
		return nil, fail(n, root, "Regions", "is missing")
	}
	items, err := p.list(f, root, "Regions")
	if err != nil {
		return nil, err
	}
	seen := nameSet{}
	d.Regions = make([]*Region, 0, min(items.len, 1024))
	for i, it := range items.all() {
		r, err := p.region(it, element("", "", "Regions", i+1), seen)
		if err != nil {
			return nil, err
		}
		d.Regions = append(d.Regions, r)
	}
	return d, nil
}

func (p *parser) region(n node, e at, seen nameSet) (*Region, error) {
	defer p.release(p.mark())
	fs, err := p.mapping(n, e, "")
	if err != nil {
		return nil, err
	}
	name, err := p.elementName(n, fs, e)
	if err != nil {
		return nil, err
	}
	if err := seen.check(n, name, e.named(name), "the inventory", "region"); err != nil {
		return nil, err
	}
	a := within(name, "") // inside a region, paths are relative to it
	if err := known(fs, a, "", "Name", "Details", "Zones"); err != nil {
		return nil, err
	}
	r := &Region{Name: name}
	f := lookup(fs, "details")
	if f == nil {
		return nil, fail(n, a, "Details.State", "is missing")
	}
	dfs, err := p.mapping(f.v, a, "Details")
	if err != nil {
		return nil, err
	}
	if err := known(dfs, a, "Details", "State", "Location", "Notes"); err != nil {
		return nil, err
	}
	if r.State, err = enum[State](p, dfs, "state", stateNames, f.v, a, "Details.State"); err != nil {
		return nil, err
	}
	if r.Location, err = p.optStr(dfs, "location", a, "Details.Location"); err != nil {
		return nil, err
	}
	if r.Notes, err = p.optStr(dfs, "notes", a, "Details.Notes"); err != nil {
		return nil, err
	}
	if f := lookup(fs, "zones"); f != nil {
		items, err := p.list(f, a, "Zones")
		if err != nil {
			return nil, err
		}
		zseen := nameSet{}
		parent := fmt.Sprintf("region %q", name)
		r.Zones = make([]*Zone, 0, min(items.len, 1024))
		for i, it := range items.all() {
			z, err := p.zone(it, element(name, "", "Zones", i+1), parent, zseen)
			if err != nil {
				return nil, err
			}
			r.Zones = append(r.Zones, z)
		}
	}
	return r, nil
}

// details reads the {Enabled, Condition} block that racks, PDUs, TORs and
// blades share (racks add Location and Notes).
type details struct {
	enabled         bool
	condition       Condition
	location, notes string
}

func (p *parser) details(n node, fs []field, a at, withText bool) (details, error) {
	defer p.release(p.mark())
	var d details
	f := lookup(fs, "details")
	if f == nil {
		return d, fail(n, a, "Details.Condition", "is missing")
	}
	dfs, err := p.mapping(f.v, a, "Details")
	if err != nil {
		return d, err
	}
	if withText {
		err = known(dfs, a, "Details", "Enabled", "Condition", "Location", "Notes")
	} else {
		err = known(dfs, a, "Details", "Enabled", "Condition")
	}
	if err != nil {
		return d, err
	}
	if d.enabled, err = p.optBool(dfs, "enabled", a, "Details.Enabled"); err != nil {
		return d, err
	}
	if d.condition, err = enum[Condition](p, dfs, "condition", conditionNames, f.v, a, "Details.Condition"); err != nil {
		return d, err
	}
	if withText {
		if d.location, err = p.optStr(dfs, "location", a, "Details.Location"); err != nil {
			return d, err
		}
		if d.notes, err = p.optStr(dfs, "notes", a, "Details.Notes"); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (p *parser) zone(n node, e at, parent string, seen nameSet) (*Zone, error) {
	defer p.release(p.mark())
	fs, err := p.mapping(n, e, "")
	if err != nil {
		return nil, err
	}
	name, err := p.elementName(n, fs, e)
	if err != nil {
		return nil, err
	}
	a := e.named(name)
	if err := seen.check(n, name, a, parent, "zone"); err != nil {
		return nil, err
	}
	if err := known(fs, a, "", "Name", "Details", "Racks"); err != nil {
		return nil, err
	}
	z := &Zone{Name: name}
	f := lookup(fs, "details")
	if f == nil {
		return nil, fail(n, a, "Details.State", "is missing")
	}
	dfs, err := p.mapping(f.v, a, "Details")
	if err != nil {
		return nil, err
	}
	if err := known(dfs, a, "Details", "Enabled", "State", "Location", "Notes"); err != nil {
		return nil, err
	}
	if z.Enabled, err = p.optBool(dfs, "enabled", a, "Details.Enabled"); err != nil {
		return nil, err
	}
	if z.State, err = enum[State](p, dfs, "state", stateNames, f.v, a, "Details.State"); err != nil {
		return nil, err
	}
	if z.Location, err = p.optStr(dfs, "location", a, "Details.Location"); err != nil {
		return nil, err
	}
	if z.Notes, err = p.optStr(dfs, "notes", a, "Details.Notes"); err != nil {
		return nil, err
	}
	if f := lookup(fs, "racks"); f != nil {
		items, err := p.list(f, a, "Racks")
		if err != nil {
			return nil, err
		}
		path := a.path("")
		rseen := nameSet{}
		parent := fmt.Sprintf("zone %q", name)
		z.Racks = make([]*Rack, 0, min(items.len, 1024))
		for i, it := range items.all() {
			k, err := p.rack(it, element(a.region, path, "Racks", i+1), parent, rseen)
			if err != nil {
				return nil, err
			}
			z.Racks = append(z.Racks, k)
		}
	}
	return z, nil
}

func (p *parser) rack(n node, e at, parent string, seen nameSet) (*Rack, error) {
	defer p.release(p.mark())
	if p.pace != nil {
		if err := p.pace(); err != nil {
			p.stopped = err
			return nil, err
		}
	}
	fs, err := p.mapping(n, e, "")
	if err != nil {
		return nil, err
	}
	name, err := p.elementName(n, fs, e)
	if err != nil {
		return nil, err
	}
	a := e.named(name)
	if err := seen.check(n, name, a, parent, "rack"); err != nil {
		return nil, err
	}
	if err := known(fs, a, "", "Name", "Details", "Pdus", "Tors", "Blades"); err != nil {
		return nil, err
	}
	d, err := p.details(n, fs, a, true)
	if err != nil {
		return nil, err
	}
	k := &Rack{Name: name, Enabled: d.enabled, Condition: d.condition, Location: d.location, Notes: d.notes}
	path := a.path("")
	owner := fmt.Sprintf("rack %q", name)
	if f := lookup(fs, "pdus"); f != nil {
		items, err := p.list(f, a, "Pdus")
		if err != nil {
			return nil, err
		}
		var seen indexSet
		for i, it := range items.all() {
			index, d, ports, err := p.device(it, element(a.region, path, "Pdus", i+1), "PDU")
			if err != nil {
				return nil, err
			}
			if j := seen.add(index, func(j int) int64 { return k.PDUs[j].Index }); j >= 0 {
				return nil, duplicateIndex(it, items.at(j), element(a.region, path, "Pdus", 0).indexed(index), owner, "PDU", index)
			}
			k.PDUs = append(k.PDUs, &PDU{Index: index, Enabled: d.enabled, Condition: d.condition, Ports: ports})
		}
	}
	if f := lookup(fs, "tors"); f != nil {
		items, err := p.list(f, a, "Tors")
		if err != nil {
			return nil, err
		}
		var seen indexSet
		for i, it := range items.all() {
			index, d, ports, err := p.device(it, element(a.region, path, "Tors", i+1), "TOR")
			if err != nil {
				return nil, err
			}
			if j := seen.add(index, func(j int) int64 { return k.TORs[j].Index }); j >= 0 {
				return nil, duplicateIndex(it, items.at(j), element(a.region, path, "Tors", 0).indexed(index), owner, "TOR", index)
			}
			k.TORs = append(k.TORs, &TOR{Index: index, Enabled: d.enabled, Condition: d.condition, Ports: ports})
		}
	}
	if f := lookup(fs, "blades"); f != nil {
		items, err := p.list(f, a, "Blades")
		if err != nil {
			return nil, err
		}
		// One backing array per rack: fewer, denser allocations.
		// (A list longer than a rack may hold gets its extra blades one by
		// one, for Validate to refuse: its length is the file's to choose.)
		blades := make([]Blade, min(items.len, BladesPerRackMax))
		k.Blades = make([]*Blade, 0, len(blades))
		var seen indexSet
		for i, it := range items.all() {
			b := new(Blade)
			if i < len(blades) {
				b = &blades[i]
			}
			if err := p.blade(it, element(a.region, path, "Blades", i+1), b); err != nil {
				return nil, err
			}
			if j := seen.add(b.Index, func(j int) int64 { return k.Blades[j].Index }); j >= 0 {
				return nil, duplicateIndex(it, items.at(j), element(a.region, path, "Blades", 0).indexed(b.Index), owner, "blade", b.Index)
			}
			k.Blades = append(k.Blades, b)
		}
	}
	return k, nil
}

// device reads a PDU or a TOR: they have the same shape.
func (p *parser) device(n node, e at, kind string) (int64, details, []Port, error) {
	defer p.release(p.mark())
	fs, err := p.mapping(n, e, "")
	if err != nil {
		return 0, details{}, nil, err
	}
	index, err := p.elementIndex(n, fs, e)
	if err != nil {
		return 0, details{}, nil, err
	}
	a := e.indexed(index)
	if err := known(fs, a, "", "Index", "Details", "Ports"); err != nil {
		return 0, details{}, nil, err
	}
	d, err := p.details(n, fs, a, false)
	if err != nil {
		return 0, details{}, nil, err
	}
	f := lookup(fs, "ports")
	if f == nil {
		return index, d, nil, nil
	}
	items, err := p.list(f, a, "Ports")
	if err != nil {
		return 0, details{}, nil, err
	}
	path := a.path("")
	ports := make([]Port, 0, min(items.len, TORPortsMax))
	var seen indexSet
	for i, it := range items.all() {
		pe := element(a.region, path, "Ports", i+1)
		pt, err := p.port(it, pe)
		if err != nil {
			return 0, details{}, nil, err
		}
		if j := seen.add(pt.Index, func(j int) int64 { return ports[j].Index }); j >= 0 {
			return 0, details{}, nil, duplicateIndex(it, items.at(j), pe.indexed(pt.Index), fmt.Sprintf("%s %d", kind, index), "port", pt.Index)
		}
		ports = append(ports, pt)
	}
	return index, d, ports, nil
}

func (p *parser) port(n node, e at) (Port, error) {
	defer p.release(p.mark())
	fs, err := p.mapping(n, e, "")
	if err != nil {
		return Port{}, err
	}
	index, err := p.elementIndex(n, fs, e)
	if err != nil {
		return Port{}, err
	}
	a := e.indexed(index)
	if err := known(fs, a, "", "Index", "Wired", "Item"); err != nil {
		return Port{}, err
	}
	pt := Port{Index: index}
	if pt.Wired, err = p.optBool(fs, "wired", a, "Wired"); err != nil {
		return Port{}, err
	}
	// Item may be left out for an unwired port (the original could not
	// express that: its reader always built one).
	f := lookup(fs, "item")
	if f == nil || isNull(f.v) {
		return pt, nil
	}
	ifs, err := p.mapping(f.v, a, "Item")
	if err != nil {
		return Port{}, err
	}
	if err := known(ifs, a, "Item", "Type", "Id", "Port"); err != nil {
		return Port{}, err
	}
	if pt.Item.Type, err = enum[HwType](p, ifs, "type", hwTypeNames, f.v, a, "Item.Type"); err != nil {
		return Port{}, err
	}
	if pt.Item.ID, err = p.optInt(ifs, "id", a, "Item.Id"); err != nil {
		return Port{}, err
	}
	if pt.Item.Port, err = p.optInt(ifs, "port", a, "Item.Port"); err != nil {
		return Port{}, err
	}
	return pt, nil
}

func (p *parser) blade(n node, e at, b *Blade) error {
	defer p.release(p.mark())
	fs, err := p.mapping(n, e, "")
	if err != nil {
		return err
	}
	index, err := p.elementIndex(n, fs, e)
	if err != nil {
		return err
	}
	a := e.indexed(index)
	if err := known(fs, a, "", "Index", "Details", "BootOnPowerOn", "BootInfo", "Capacity"); err != nil {
		return err
	}
	d, err := p.details(n, fs, a, false)
	if err != nil {
		return err
	}
	b.Index, b.Enabled, b.Condition = index, d.enabled, d.condition
	if b.BootOnPowerOn, err = p.optBool(fs, "bootonpoweron", a, "BootOnPowerOn"); err != nil {
		return err
	}
	f := lookup(fs, "bootinfo")
	if f == nil {
		return fail(n, a, "BootInfo.Source", "is missing")
	}
	bfs, err := p.mapping(f.v, a, "BootInfo")
	if err != nil {
		return err
	}
	if err := known(bfs, a, "BootInfo", "Source", "Image", "Version", "Parameters"); err != nil {
		return err
	}
	if b.Boot.Source, err = enum[BootSource](p, bfs, "source", bootSourceNames, f.v, a, "BootInfo.Source"); err != nil {
		return err
	}
	if b.Boot.Image, err = p.optShared(bfs, "image", a, "BootInfo.Image"); err != nil {
		return err
	}
	if b.Boot.Version, err = p.optShared(bfs, "version", a, "BootInfo.Version"); err != nil {
		return err
	}
	if b.Boot.Parameters, err = p.optShared(bfs, "parameters", a, "BootInfo.Parameters"); err != nil {
		return err
	}
	f = lookup(fs, "capacity")
	if f == nil {
		return nil // every dimension is then 0, which Validate reports
	}
	cfs, err := p.mapping(f.v, a, "Capacity")
	if err != nil {
		return err
	}
	if err := known(cfs, a, "Capacity", "Cores", "MemoryInMb", "DiskInGb", "NetworkBandwidthInMbps", "Arch", "Accelerators", "Gpus"); err != nil {
		return err
	}
	c := &b.Capacity
	if c.Cores, err = p.optInt(cfs, "cores", a, "Capacity.Cores"); err != nil {
		return err
	}
	if c.MemoryMB, err = p.optInt(cfs, "memoryinmb", a, "Capacity.MemoryInMb"); err != nil {
		return err
	}
	if c.DiskGB, err = p.optInt(cfs, "diskingb", a, "Capacity.DiskInGb"); err != nil {
		return err
	}
	if c.NetworkMbps, err = p.optInt(cfs, "networkbandwidthinmbps", a, "Capacity.NetworkBandwidthInMbps"); err != nil {
		return err
	}
	if c.Arch, err = p.optShared(cfs, "arch", a, "Capacity.Arch"); err != nil {
		return err
	}
	if err := p.gpus(cfs, a, c); err != nil {
		return err
	}
	// Accelerators are our extension: the original's reader had no field.
	if f := lookup(cfs, "accelerators"); f != nil {
		items, err := p.list(f, a, "Capacity.Accelerators")
		if err != nil {
			return err
		}
		return sharedList(p.lists, items, &c.Accelerators, func() error {
			for i, it := range items.all() {
				s, err := p.str(&field{v: it}, a, fmt.Sprintf("Capacity.Accelerators[%d]", i))
				if err != nil {
					return err
				}
				c.Accelerators = append(c.Accelerators, p.share(it, s))
			}
			return nil
		})
	}
	return nil
}

// sharedList reads a list with read, which fills *dst, or, when aliases
// may reach the list again (a blade template's), reads it once and gives
// every later blade the same slice, like Generate's: a small file must not
// make a copy for each of a hundred thousand blades.
func sharedList[T any](cache map[int32][]T, items seq, dst *[]T, read func() error) error {
	if !items.n.ok() || !items.n.shared() {
		return read()
	}
	if l, ok := cache[items.n.i]; ok {
		*dst = l
		return nil
	}
	if err := read(); err != nil {
		return err
	}
	cache[items.n.i] = *dst
	return nil
}

// gpus reads Capacity.Gpus, our extension: a list of {Model, Count}
// (Count defaults to 1), shared as Accelerators are.
func (p *parser) gpus(cfs []field, a at, c *Capacity) error {
	f := lookup(cfs, "gpus")
	if f == nil {
		return nil
	}
	items, err := p.list(f, a, "Capacity.Gpus")
	if err != nil {
		return err
	}
	return sharedList(p.gpuLists, items, &c.GPUs, func() error { return p.gpuItems(items, a, c) })
}

func (p *parser) gpuItems(items seq, a at, c *Capacity) error {
	for i, it := range items.all() {
		leaf := fmt.Sprintf("Capacity.Gpus[%d]", i)
		mark := p.mark()
		gfs, err := p.mapping(it, a, leaf)
		if err != nil {
			return err
		}
		if err := known(gfs, a, leaf, "Model", "Count"); err != nil {
			return err
		}
		var g GPU
		mf := lookup(gfs, "model")
		if mf == nil {
			return fail(it, a, leaf, "must name its Model")
		}
		s, err := p.str(mf, a, leaf+".Model")
		if err != nil {
			return err
		}
		g.Model = p.share(mf.v, s)
		if g.Count, err = p.optInt(gfs, "count", a, leaf+".Count"); err != nil {
			return err
		}
		if lookup(gfs, "count") == nil {
			g.Count = 1 // a Gpus entry without a Count is one device
		}
		p.release(mark)
		c.GPUs = append(c.GPUs, g)
	}
	return nil
}
