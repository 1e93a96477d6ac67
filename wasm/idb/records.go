//go:build js && wasm

package idb

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall/js"

	"github.com/cloudchamber/cloudchamber/app/storage"
)

// formatVersion is the newest "v" of the records this code reads. To change a
// record's shape, write v2, and make decodeScenario/decodeSession read v1
// too (migrating it in memory: it is rewritten as v2 by the next write).
//
//	1: the first records
//	2: a session record has "now" (the tick it is at, where its scenario
//	   may go further: a future kept after a travel back) and "rev" (its
//	   revision, so two tabs never overwrite each other's session)
//	3: a scenario record may have "compare" (a comparison's link: the
//	   entry is a comparison). Only such records are written as v3; the
//	   others keep v2, so a build from before comparisons in the library
//	   still reads them (and lists a v3 entry as one it cannot read).
const formatVersion = 3

// plainVersion is the "v" of every record but a comparison's entry.
const plainVersion = 2

// safeMax is the largest integer a JS number holds exactly (2^53 - 1).
const safeMax = 1<<53 - 1

var (
	jsObject     = js.Global().Get("Object")
	jsArray      = js.Global().Get("Array")
	jsUint8Array = js.Global().Get("Uint8Array")
)

// RecordError is a stored record that cannot be read: Scenarios reports one
// per such record in bad, and the rest load. The page can offer to delete
// it: DeleteScenario(Key).
type RecordError struct {
	Store string // object store: "scenarios", "session" or "sweeps"
	Key   string
	Err   error
}

func (e *RecordError) Error() string {
	switch e.Store {
	case storeSession:
		return fmt.Sprintf("the saved session cannot be read: %v", e.Err)
	case storeSweeps:
		if e.Key == lastFillKey {
			return fmt.Sprintf("the last fill experiment cannot be read: %v", e.Err)
		}
		return fmt.Sprintf("the last sweep cannot be read: %v", e.Err)
	}
	return fmt.Sprintf("saved scenario %q cannot be read: %v", e.Key, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

func encodeScenario(s storage.SavedScenario) js.Value {
	rec := jsObject.New()
	rec.Set("v", plainVersion)
	rec.Set("id", s.ID)
	rec.Set("name", s.Name)
	rec.Set("modified", s.Modified)
	rec.Set("rev", s.Rev)
	rec.Set("scenario", bytesToJS(s.Scenario))
	if s.Compare != "" {
		rec.Set("v", 3)
		rec.Set("compare", s.Compare)
	}
	return rec
}

// decodeScenario reads a scenario record of any format version this code
// knows, and refuses newer ones.
func decodeScenario(rec js.Value) (s storage.SavedScenario, err error) {
	defer recoverJS(&err)
	v, err := formatOf(rec)
	if err != nil {
		return s, err
	}
	switch v {
	case 1, 2, 3:
		f := fields{obj: rec}
		if v < 3 {
			f.only("v", "id", "name", "modified", "rev", "scenario")
		} else {
			f.only("v", "id", "name", "modified", "rev", "scenario", "compare")
		}
		s = storage.SavedScenario{
			ID:       f.str("id"),
			Name:     f.str("name"),
			Modified: f.int("modified"),
			Rev:      f.int("rev"),
			Scenario: f.bytes("scenario"),
		}
		if v == 3 {
			s.Compare = f.str("compare")
			if f.err == nil && s.Compare == "" {
				f.err = errors.New(`"compare" is empty in a comparison's entry (format 3)`)
			}
		}
		return s, f.err
	}
	panic(fmt.Sprintf("idb: formatOf let format version %d through", v))
}

func encodeSession(s *storage.Session) (js.Value, error) {
	if err := checkSafe("savedRev", s.SavedRev); err != nil {
		return js.Value{}, err
	}
	snaps := jsArray.New(len(s.Snapshots))
	for i, sn := range s.Snapshots {
		if err := checkSafe(fmt.Sprintf("snapshots[%d].tick", i), sn.Tick); err != nil {
			return js.Value{}, err
		}
		o := jsObject.New()
		o.Set("tick", sn.Tick)
		o.Set("data", bytesToJS(sn.Data))
		snaps.SetIndex(i, o)
	}
	if err := checkSafe("now", s.Now); err != nil {
		return js.Value{}, err
	}
	if err := checkSafe("rev", s.Rev); err != nil {
		return js.Value{}, err
	}
	rec := jsObject.New()
	rec.Set("v", plainVersion)
	rec.Set("scenario", piecesToJS(s.Scenario, s.ScenarioPieces))
	rec.Set("now", s.Now)
	rec.Set("snapshots", snaps)
	rec.Set("savedID", s.SavedID)
	rec.Set("savedRev", s.SavedRev)
	rec.Set("rev", s.Rev)
	return rec, nil
}

// decodeSession reads a session record of any format version this code
// knows, and refuses newer ones.
func decodeSession(rec js.Value) (s storage.Session, err error) {
	return readSession(rec, true)
}

// sessionHeader checks a session record as decodeSession does and gives
// it without its bytes (the scenario and the snapshots' data are nil):
// what PutSession needs of the record it replaces, its revision and that
// it can be read, without copying into Go what it holds (at 50,000 blades
// 29 MB, at every autosave).
func sessionHeader(rec js.Value) (s storage.Session, err error) {
	return readSession(rec, false)
}

// readSession is decodeSession, copying the record's bytes into Go when
// withBytes is true and only checking their type otherwise.
func readSession(rec js.Value, withBytes bool) (s storage.Session, err error) {
	defer recoverJS(&err)
	v, err := formatOf(rec)
	if err != nil {
		return s, err
	}
	switch v {
	case 3:
		return s, errors.New("format version 3 is a library entry's, not a session's")
	case 1, 2:
		f := fields{obj: rec, noBytes: !withBytes}
		s = storage.Session{Now: -1} // v1: at the scenario's own tick, revision 0
		if v == 1 {
			f.only("v", "scenario", "snapshots", "savedID", "savedRev")
		} else {
			f.only("v", "scenario", "now", "snapshots", "savedID", "savedRev", "rev")
			s.Now, s.Rev = f.int("now"), f.int("rev")
		}
		s.Scenario = f.bytes("scenario")
		s.SavedID = f.str("savedID")
		s.SavedRev = f.int("savedRev")
		for i, o := range f.list("snapshots") {
			g := fields{obj: o, path: fmt.Sprintf("snapshots[%d].", i), err: f.err, noBytes: f.noBytes}
			if g.err == nil && !isRecord(o) {
				g.err = fmt.Errorf("snapshots[%d] is %s, want an object", i, typeName(o))
			}
			g.only("tick", "data")
			sn := storage.Snapshot{Tick: g.int("tick"), Data: g.bytes("data")}
			if f.err = g.err; f.err != nil {
				break
			}
			s.Snapshots = append(s.Snapshots, sn)
		}
		return s, f.err
	}
	panic(fmt.Sprintf("idb: formatOf let format version %d through", v))
}

// encodeBytes is a record of bytes under field: {v, <field>: Uint8Array}
// (the last sweep's, field "lines"; the last fill experiment's, "data").
func encodeBytes(field string, data []byte) js.Value {
	rec := jsObject.New()
	rec.Set("v", plainVersion)
	rec.Set(field, bytesToJS(data))
	return rec
}

// decodeBytes reads a record of bytes under field (written first at
// format version 2).
func decodeBytes(rec js.Value, field string) (data []byte, err error) {
	defer recoverJS(&err)
	if _, err := formatOf(rec); err != nil {
		return nil, err
	}
	f := fields{obj: rec}
	f.only("v", field)
	data = f.bytes(field)
	return data, f.err
}

// formatOf checks that rec is a record and returns its format version, if
// this code reads it.
func formatOf(rec js.Value) (int64, error) {
	if !isRecord(rec) {
		return 0, fmt.Errorf("it is %s, not a record", typeName(rec))
	}
	f := fields{obj: rec}
	v := f.int("v")
	switch {
	case f.err != nil:
		return 0, fmt.Errorf("no format version: %w", f.err)
	case v > formatVersion:
		return 0, fmt.Errorf("its format version %d is newer than this app reads (%d): a newer version of the app wrote it; reload the page to get that version", v, formatVersion)
	case v < 1:
		return 0, fmt.Errorf("its format version %d is not valid", v)
	}
	return v, nil
}

// fields reads a record's fields and checks their types; the first problem
// sticks in err, and later reads return zero values.
type fields struct {
	obj     js.Value
	path    string // prefix of the field names in messages: "snapshots[2]."
	err     error
	noBytes bool // bytes checks the field's type only, and gives nil
}

// only refuses a record with a field this format version does not have,
// as every reader of the product refuses an unknown key: "Name" beside
// "name" would otherwise be ignored without a word. (A JS object cannot
// hold a key twice.)
func (f *fields) only(names ...string) {
	if f.err != nil {
		return
	}
	keys := jsObject.Call("keys", f.obj)
	for i := range keys.Length() {
		if k := keys.Index(i).String(); !slices.Contains(names, k) {
			f.err = fmt.Errorf("field %q is not one this format has (%s)", f.path+k, strings.Join(names, ", "))
			return
		}
	}
}

func (f *fields) get(name, want string, ok func(js.Value) bool) js.Value {
	if f.err != nil {
		return js.Undefined()
	}
	v := f.obj.Get(name)
	switch {
	case v.IsUndefined():
		f.err = fmt.Errorf("field %q is missing", f.path+name)
	case !ok(v):
		f.err = fmt.Errorf("field %q is %s, want %s", f.path+name, typeName(v), want)
	}
	return v
}

func (f *fields) str(name string) string {
	v := f.get(name, "a string", func(v js.Value) bool { return v.Type() == js.TypeString })
	if f.err != nil {
		return ""
	}
	return v.String()
}

func (f *fields) int(name string) int64 {
	v := f.get(name, "an integer", func(v js.Value) bool { return v.Type() == js.TypeNumber })
	if f.err != nil {
		return 0
	}
	n := v.Float()
	if n != math.Trunc(n) || math.Abs(n) > safeMax {
		f.err = fmt.Errorf("field %q is %v, want an integer within ±2^53", f.path+name, n)
		return 0
	}
	return int64(n)
}

func (f *fields) bytes(name string) []byte {
	v := f.get(name, "a Uint8Array", isBytes)
	if f.err != nil || f.noBytes {
		return nil
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}

func (f *fields) list(name string) []js.Value {
	v := f.get(name, "an array", isArray)
	if f.err != nil {
		return nil
	}
	out := make([]js.Value, v.Length())
	for i := range out {
		out[i] = v.Index(i)
	}
	return out
}

func isArray(v js.Value) bool { return jsArray.Call("isArray", v).Bool() }
func isBytes(v js.Value) bool { return v.Type() == js.TypeObject && v.InstanceOf(jsUint8Array) }

// isRecord: a plain object, not null, an array or bytes.
func isRecord(v js.Value) bool { return v.Type() == js.TypeObject && !isArray(v) && !isBytes(v) }

// typeName describes a JS value's type for messages: "a number".
func typeName(v js.Value) string {
	switch t := v.Type(); {
	case t == js.TypeUndefined, t == js.TypeNull:
		return t.String()
	case isArray(v):
		return "an array"
	case isBytes(v):
		return "a Uint8Array"
	case t == js.TypeObject:
		return "an object"
	default:
		return "a " + t.String()
	}
}

// keyString names a record's key for messages.
func keyString(k js.Value) string {
	if k.Type() == js.TypeString {
		return k.String()
	}
	return js.Global().Get("String").Invoke(k).String()
}

func checkSafe(name string, n int64) error {
	if n > safeMax || n < -safeMax {
		return fmt.Errorf("%s %d does not fit a JS number exactly (±2^53)", name, n)
	}
	return nil
}

// bytesToJS copies b into a new Uint8Array of its own (a view of the wasm
// memory would be cloned whole into the record).
func bytesToJS(b []byte) js.Value {
	a := jsUint8Array.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// piecesToJS is b as a Uint8Array, or, when pieces is not nil, the pieces
// copied one after the other into one (storage.Session.ScenarioPieces).
func piecesToJS(b []byte, pieces [][]byte) js.Value {
	if pieces == nil {
		return bytesToJS(b)
	}
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	a := jsUint8Array.New(n)
	at := 0
	for _, p := range pieces {
		if len(p) > 0 {
			js.CopyBytesToJS(a.Call("subarray", at, at+len(p)), p)
			at += len(p)
		}
	}
	return a
}

// recoverJS turns a panic of syscall/js while reading a stored value (a
// getter that throws, a type Go's js.Value does not know) into *err.
func recoverJS(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("unreadable: %v", r)
	}
}
