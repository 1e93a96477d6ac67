package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes d's JSON, the very bytes json.Marshal(d) gives, to w a
// rack at a time (a rack of 100 blades is about 40 KB), calling each (if
// not nil) after every rack: the whole JSON of a large inventory (20 MB
// at 50,000 blades) is never held, and a caller can let other work run
// between racks. It returns the first error of w or of the encoding.
func (d *Definition) WriteJSON(w io.Writer, each func()) error {
	e := jsonStream{w: w}
	top := *d
	top.Regions = nil
	e.open(top, d.Regions == nil)
	for i, r := range d.Regions {
		e.comma(i)
		if r == nil {
			e.write([]byte("null"))
			continue
		}
		region := *r
		region.Zones = nil
		e.open(region, r.Zones == nil)
		for j, z := range r.Zones {
			e.comma(j)
			if z == nil {
				e.write([]byte("null"))
				continue
			}
			zone := *z
			zone.Racks = nil
			e.open(zone, z.Racks == nil)
			for k, rack := range z.Racks {
				e.comma(k)
				e.value(rack)
				if each != nil && e.err == nil {
					each()
				}
			}
			e.close(z.Racks == nil)
		}
		e.close(r.Zones == nil)
	}
	e.close(d.Regions == nil)
	return e.err
}

// HasGPUKey reports whether d's JSON has a "gpus" key: whether a blade's
// capacity lists GPUs (an empty list too, which omitzero keeps).
func (d *Definition) HasGPUKey() bool {
	for _, r := range d.Regions {
		if r == nil {
			continue
		}
		for _, z := range r.Zones {
			if z == nil {
				continue
			}
			for _, rack := range z.Racks {
				if rack == nil {
					continue
				}
				for _, b := range rack.Blades {
					if b != nil && b.Capacity.GPUs != nil {
						return true
					}
				}
			}
		}
	}
	return false
}

// jsonStream writes JSON in pieces, keeping the first error.
type jsonStream struct {
	w   io.Writer
	err error
}

func (e *jsonStream) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *jsonStream) value(v any) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	e.write(b)
}

// open writes the JSON of v, an object whose last field is a list set
// to nil, without its closing `null}`, then the list's `[` (unless the
// list is nil: null).
func (e *jsonStream) open(v any, null bool) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	if !bytes.HasSuffix(b, []byte("null}")) {
		e.err = fmt.Errorf("inventory: streaming JSON: %T does not end with its list", v) // our bug
		return
	}
	e.write(b[:len(b)-len("null}")])
	if null {
		e.write([]byte("null"))
	} else {
		e.write([]byte("["))
	}
}

// close ends a list open began (nothing for a nil one) and its object.
func (e *jsonStream) close(null bool) {
	if null {
		e.write([]byte("}"))
	} else {
		e.write([]byte("]}"))
	}
}

func (e *jsonStream) comma(i int) {
	if i > 0 {
		e.write([]byte(","))
	}
}
