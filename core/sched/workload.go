package sched

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// Limits. Every quantity is bounded so that sums over a blade and the
// policies' scores stay far from int64 overflow.
const (
	InstancesMax     = 10_000
	VolumesMax       = 64
	AcceleratorsMax  = 64
	NameLenMax       = 255
	quantityMax      = 1 << 40 // MB, GB, Mbps or milli-cores; about 10^12
	validateErrorMax = 20      // Validate reports this many, then a count
)

// Requirements is what one instance needs from the blade it runs on. Disk is
// not here: it is the sum of the instance's volumes.
type Requirements struct {
	Cores        Milli      `json:"cores"`
	MemoryMB     int64      `json:"memoryMB"`
	NetworkMbps  int64      `json:"networkMbps,omitempty"`
	Arch         string     `json:"arch,omitempty"`         // "" = any; compared case-insensitively
	Accelerators []string   `json:"accelerators,omitempty"` // each consumes one whole GPU device of exactly that model (gpu.go); not with GPUs
	GPUs         GPURequest `json:"gpus,omitzero"`          // whole GPUs or a share of one; not with Accelerators
}

// GPURequest is the GPUs one instance asks for, in one of two forms: Count
// whole devices (1..GPUsMax, each wholly its own), or a share of one
// device of Milli milli-GPU (1..GPUMilli, a thousandth of a GPU each).
// Models, when given, are the device models it may take (compared ignoring
// case); none means any. The zero value asks for none. In JSON:
//
//	"gpus": {"count": 2, "models": ["A100", "H100"]}
//	"gpus": {"milli": 250}
type GPURequest struct {
	Count  int64    `json:"count,omitempty"`
	Milli  int64    `json:"milli,omitempty"`
	Models []string `json:"models,omitempty"`
}

// IsZero reports whether r asks for no GPU and names no model.
func (r *GPURequest) IsZero() bool { return r.Count == 0 && r.Milli == 0 && len(r.Models) == 0 }

// String writes the request for messages: "2 whole GPUs of A100 or H100",
// "250 milli-GPU on one device".
func (r *GPURequest) String() string {
	s := strconv.FormatInt(r.Count, 10) + " whole GPUs"
	if r.Count == 0 {
		s = strconv.FormatInt(r.Milli, 10) + " milli-GPU on one device"
	}
	if len(r.Models) > 0 {
		s += " of " + strings.Join(r.Models, " or ")
	}
	return s
}

// Volume is a disk an instance mounts; its size counts against the blade.
type Volume struct {
	Name      string          `json:"name"`
	SizeGB    int64           `json:"sizeGB"`
	Attribute VolumeAttribute `json:"attribute"`
	URI       string          `json:"uri,omitempty"`
}

// Instance is one copy of a workload's program, placed on one blade.
type Instance struct {
	Name          string       `json:"name"`
	AffinityGroup int64        `json:"affinityGroup"`
	Requires      Requirements `json:"requires"`
	SystemName    string       `json:"systemName,omitempty"`
	Volumes       []Volume     `json:"volumes,omitempty"`
	Config        string       `json:"config,omitempty"`
}

// Workload is a named set of instances and the affinity rule between its
// affinity groups, judged over one kind of fault domain.
type Workload struct {
	Name      string     `json:"name"`
	Affinity  Affinity   `json:"affinity"`
	Domain    Domain     `json:"domain"`
	Instances []Instance `json:"instances"`
}

// DiskGB is the disk an instance consumes: the sum of its volumes.
func (i *Instance) DiskGB() int64 {
	var n int64
	for _, v := range i.Volumes {
		n += v.SizeGB
	}
	return n
}

// Affinity is the placement rule between a workload's affinity groups (the
// original's proto names it Strong_Affinity, Weak_AntiAffinity, …).
type Affinity uint8

const (
	AffinityNone       Affinity = iota // none
	StrongAffinity                     // strong-affinity: a group's instances share one fault domain
	WeakAffinity                       // weak-affinity: preferred, else anywhere
	StrongAntiAffinity                 // strong-anti-affinity: different groups never share a fault domain
	WeakAntiAffinity                   // weak-anti-affinity: preferred, else anywhere
)

var affinityNames = []string{"none", "strong-affinity", "weak-affinity", "strong-anti-affinity", "weak-anti-affinity"}

// Domain is the kind of fault domain affinity is judged over. The zero value
// is rack, the default.
type Domain uint8

const (
	DomainRack Domain = iota
	DomainBlade
	DomainZone
	domainCount
)

var domainNames = []string{"rack", "blade", "zone"}

// VolumeAttribute says what the instance may do with a volume.
type VolumeAttribute uint8

const (
	VolumeCreatable   VolumeAttribute = iota // creatable
	VolumeWriteLocked                        // write-locked
	VolumeWritable                           // writable
)

var volumeAttributeNames = []string{"creatable", "write-locked", "writable"}

func (a Affinity) String() string { return enumString(affinityNames, "affinity", uint8(a)) }
func (d Domain) String() string   { return enumString(domainNames, "domain", uint8(d)) }
func (v VolumeAttribute) String() string {
	return enumString(volumeAttributeNames, "attribute", uint8(v))
}

func (a Affinity) MarshalJSON() ([]byte, error) {
	return marshalEnum(affinityNames, "affinity", uint8(a))
}
func (d Domain) MarshalJSON() ([]byte, error) { return marshalEnum(domainNames, "domain", uint8(d)) }
func (v VolumeAttribute) MarshalJSON() ([]byte, error) {
	return marshalEnum(volumeAttributeNames, "attribute", uint8(v))
}

func (a *Affinity) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(affinityNames, "affinity", b, (*uint8)(a))
}
func (d *Domain) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(domainNames, "domain", b, (*uint8)(d))
}
func (v *VolumeAttribute) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(volumeAttributeNames, "attribute", b, (*uint8)(v))
}

// plural names the domain for reasons: "over racks".
func (d Domain) plural() string { return d.String() + "s" }

func enumString(names []string, kind string, v uint8) string {
	if int(v) < len(names) {
		return names[v]
	}
	return kind + "(" + strconv.Itoa(int(v)) + ")"
}

func marshalEnum(names []string, kind string, v uint8) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("sched: invalid %s %d", kind, v)
	}
	return []byte(`"` + names[v] + `"`), nil
}

// unmarshalEnum matches case-insensitively and ignores '-' and '_', so both
// "weak-anti-affinity" and the original's "Weak_AntiAffinity" read.
func unmarshalEnum(names []string, kind string, b []byte, v *uint8) error {
	if string(b) == "null" {
		return nil
	}
	var s string // one JSON value, a string if anything: it has no keys to repeat, so plain decoding is safe
	if err := json.Unmarshal(b, &s); err != nil {
		return &literalError{key: kind, lit: string(b), msg: "must be one of " + strings.Join(names, ", ")}
	}
	fold := func(s string) string { return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(s)) }
	for i, n := range names {
		if fold(n) == fold(s) {
			*v = uint8(i)
			return nil
		}
	}
	return &literalError{key: kind, lit: string(b), msg: "is not one of " + strings.Join(names, ", ")}
}

// FieldError is one broken rule of a workload, at a path inside it.
type FieldError struct {
	Workload string // the workload's name
	Path     string // e.g. instances[2].requires.cores
	Msg      string // e.g. must be > 0, got 0
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("workload %q: %s %s", e.Workload, e.Path, e.Msg)
}

// Validate checks every rule and returns all broken ones (up to
// validateErrorMax, then a count) joined, each a *FieldError naming its
// path, or nil. Names compare case-insensitively, as inventory names do.
func (w *Workload) Validate() error {
	v := validator{w: w.Name}
	v.name("name", w.Name)
	if int(w.Affinity) >= len(affinityNames) {
		v.add("affinity", "is invalid: %d", w.Affinity)
	}
	if w.Domain >= domainCount {
		v.add("domain", "is invalid: %d", w.Domain)
	}
	switch n := len(w.Instances); {
	case n == 0:
		v.add("instances", "must not be empty")
	case n > InstancesMax:
		v.add("instances", "has %d entries, at most %d", n, InstancesMax)
		return v.err() // one error, not thousands
	}
	first := make(map[string]int, len(w.Instances))
	for i := range w.Instances {
		in := &w.Instances[i]
		at := fmt.Sprintf("instances[%d]", i)
		if v.name(at+".name", in.Name) {
			k := strings.ToLower(in.Name)
			if j, dup := first[k]; dup {
				v.add(at+".name", "%q is a duplicate of instances[%d]", in.Name, j)
			} else {
				first[k] = i
			}
		}
		v.instance(at, in)
	}
	return v.err()
}

type validator struct {
	w    string
	errs []error
	more int
}

func (v *validator) add(path, format string, args ...any) {
	if len(v.errs) == validateErrorMax {
		v.more++
		return
	}
	v.errs = append(v.errs, &FieldError{Workload: v.w, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if v.more > 0 {
		v.errs = append(v.errs, fmt.Errorf("workload %q: and %d more errors", v.w, v.more))
	}
	return errors.Join(v.errs...)
}

// name checks a name and reports whether it is usable as a key. A '/' is
// refused because reasons print workload/instance.
func (v *validator) name(path, s string) bool {
	switch {
	case s == "":
		v.add(path, "must not be empty")
	case len(s) > NameLenMax:
		v.add(path, "is %d bytes long, at most %d", len(s), NameLenMax)
	case strings.ContainsFunc(s, func(r rune) bool { return r == '/' || unicode.IsControl(r) || r == unicode.ReplacementChar }):
		v.add(path, "%q must not contain '/' or control characters", s)
	default:
		return true
	}
	return false
}

func (v *validator) quantity(path string, n, min int64) {
	switch {
	case n < min:
		v.add(path, "must be >= %d, got %d", min, n)
	case n > quantityMax:
		v.add(path, "must be <= %d, got %d", int64(quantityMax), n)
	}
}

func (v *validator) instance(at string, in *Instance) {
	r := &in.Requires
	switch {
	case r.Cores <= 0:
		v.add(at+".requires.cores", "must be > 0, got %s", r.Cores)
	case r.Cores > MilliMax:
		v.add(at+".requires.cores", "must be <= %s, got %s", MilliMax, r.Cores)
	}
	v.quantity(at+".requires.memoryMB", r.MemoryMB, 0)
	v.quantity(at+".requires.networkMbps", r.NetworkMbps, 0)
	if len(r.Accelerators) > AcceleratorsMax {
		v.add(at+".requires.accelerators", "has %d entries, at most %d", len(r.Accelerators), AcceleratorsMax)
	}
	for j, a := range r.Accelerators {
		if a == "" {
			v.add(fmt.Sprintf("%s.requires.accelerators[%d]", at, j), "must not be empty")
		}
	}
	v.gpus(at+".requires.gpus", r)
	if len(in.Volumes) > VolumesMax {
		v.add(at+".volumes", "has %d entries, at most %d", len(in.Volumes), VolumesMax)
		return
	}
	var disk int64
	first := make(map[string]int, len(in.Volumes))
	for j := range in.Volumes {
		vol := &in.Volumes[j]
		vat := fmt.Sprintf("%s.volumes[%d]", at, j)
		if v.name(vat+".name", vol.Name) {
			k := strings.ToLower(vol.Name)
			if i, dup := first[k]; dup {
				v.add(vat+".name", "%q is a duplicate of volumes[%d]", vol.Name, i)
			} else {
				first[k] = j
			}
		}
		v.quantity(vat+".sizeGB", vol.SizeGB, 0)
		if int(vol.Attribute) >= len(volumeAttributeNames) {
			v.add(vat+".attribute", "is invalid: %d", vol.Attribute)
		}
		if vol.SizeGB > 0 && vol.SizeGB <= quantityMax {
			disk += vol.SizeGB // at most VolumesMax * quantityMax: no overflow
		}
	}
	if disk > quantityMax {
		v.add(at+".volumes", "add up to %d GB, at most %d", disk, int64(quantityMax))
	}
}

// gpus checks requires.gpus: one form, in range, named models, and not
// with the accelerators list.
func (v *validator) gpus(at string, r *Requirements) {
	g := &r.GPUs
	switch {
	case g.Count != 0 && g.Milli != 0:
		v.add(at, "asks for count %d and milli %d: give whole GPUs (count) or a share of one GPU (milli), not both", g.Count, g.Milli)
	case g.Count < 0 || g.Count > GPUsMax:
		v.add(at+".count", "must be between 1 and %d whole GPUs, got %d", GPUsMax, g.Count)
	case g.Milli < 0 || g.Milli > GPUMilli:
		v.add(at+".milli", "must be between 1 and %d (thousandths of one GPU), got %d", GPUMilli, g.Milli)
	case g.Count == 0 && g.Milli == 0 && len(g.Models) > 0:
		v.add(at, "names models but asks for no GPU: give count or milli")
	}
	if len(g.Models) > AcceleratorsMax {
		v.add(at+".models", "has %d entries, at most %d", len(g.Models), AcceleratorsMax)
	}
	for j, m := range g.Models {
		if m == "" {
			v.add(fmt.Sprintf("%s.models[%d]", at, j), "must not be empty")
		}
	}
	if !g.IsZero() && len(r.Accelerators) > 0 {
		v.add(at, "is given with accelerators: ask in one form (accelerators [V100] is gpus {\"count\": 1, \"models\": [\"V100\"]})")
	}
}

// ParseWorkloads reads a JSON array of workloads, or one workload object
// (the UI's create form sends one), strictly (core/strictjson: no repeated,
// case-variant or unknown keys, nothing after the value), and validates
// every workload. Workload names must be unique (case-insensitively). Every
// error is a *strictjson.Error naming "workloads", the line, the column and
// the path ([2].instances[0].requires.cores); several validation errors
// come joined.
func ParseWorkloads(data []byte) ([]Workload, error) {
	const name = "workloads"
	trimmed := bytes.TrimLeft(strictjson.TrimBOM(data), " \t\r\n")
	single := len(trimmed) > 0 && trimmed[0] == '{'
	var ws []Workload
	var err error
	if single {
		ws = make([]Workload, 1)
		err = strictjson.Decode(name, data, &ws[0])
	} else {
		err = strictjson.Decode(name, data, &ws)
	}
	if err != nil {
		return nil, err
	}
	if ws == nil {
		return nil, &strictjson.Error{Name: name, Line: 1, Col: 1, Kind: strictjson.Type, Msg: "must be an array of workloads or one workload object, got null"}
	}
	at := func(i int, path string) string {
		if single {
			return path
		}
		return fmt.Sprintf("[%d].%s", i, path)
	}
	var errs []error
	first := make(map[string]int, len(ws))
	for i := range ws {
		if err := ws[i].Validate(); err != nil {
			for _, e := range unjoin(err) {
				var fe *FieldError
				if errors.As(e, &fe) {
					e = strictjson.PlaceAt(name, data, at(i, fe.Path), fmt.Sprintf("%s (workload %q)", fe.Msg, fe.Workload), e)
				} else {
					e = strictjson.PlaceAt(name, data, strings.TrimSuffix(at(i, ""), "."), e.Error(), e)
				}
				errs = append(errs, e)
			}
		}
		k := strings.ToLower(ws[i].Name)
		if j, dup := first[k]; dup && k != "" {
			errs = append(errs, strictjson.PlaceAt(name, data, at(i, "name"), fmt.Sprintf("%q is a duplicate of workload %d", ws[i].Name, j), nil))
		} else {
			first[k] = i
		}
	}
	if errs != nil {
		return nil, errors.Join(errs...)
	}
	return ws, nil
}

// unjoin lists the errors errors.Join joined.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
