package sched

import (
	"strconv"
	"strings"
)

// Milli is thousandths of a core, so fractional cores are exact integers and
// every sum agrees bit for bit natively and in wasm. In JSON it is a plain
// decimal number of cores with at most three fraction digits: 0.5, 2, 1.25.
type Milli int64

// Core is one whole core.
const Core Milli = 1000

// MilliMax bounds a core count so that sums over a blade never overflow.
const MilliMax Milli = Milli(quantityMax)

// String writes m as the shortest decimal number of cores ("0.5", "2").
func (m Milli) String() string {
	u := uint64(m)
	sign := ""
	if m < 0 {
		u, sign = -u, "-" // two's complement, so MinInt64 works too
	}
	s := sign + strconv.FormatUint(u/1000, 10)
	if frac := u % 1000; frac != 0 {
		f := strconv.FormatUint(1000+frac, 10)[1:] // zero-padded to three digits
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

// MarshalJSON writes the shortest decimal, as a number.
func (m Milli) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON accepts only a JSON number in plain decimal notation; a
// string, a negative number, an exponent or a fourth fraction digit is an
// error, because each would be a silent rounding or a guess.
func (m *Milli) UnmarshalJSON(data []byte) error {
	s := string(data)
	if s == "null" {
		return nil // as encoding/json does for every other type
	}
	if strings.HasPrefix(s, `"`) {
		return &literalError{key: "cores", lit: s, msg: "must be a number of cores like 0.5 or 2, not a string"}
	}
	v, err := ParseMilli(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseMilli reads a number of cores in plain decimal notation ("0.5",
// "2", "1.25") into thousandths, exactly. The UI's form fields use it too.
func ParseMilli(s string) (Milli, error) {
	bad := func(msg string) (Milli, error) {
		return 0, &literalError{key: "cores", lit: s, msg: msg}
	}
	switch {
	case s == "":
		return bad("must be a number of cores, got nothing")
	case s[0] == '-':
		return bad("must not be negative")
	case s[0] < '0' || s[0] > '9':
		return bad("must be a number of cores like 0.5 or 2")
	case strings.ContainsAny(s, "eE"):
		return bad("must be plain decimal: exponents are not allowed")
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (dot && (frac == "" || !allDigits(frac))) {
		return bad("must be a number of cores like 0.5 or 2")
	}
	if len(frac) > 3 {
		return bad("has more than 3 fraction digits (the unit is a thousandth of a core)")
	}
	whole = strings.TrimLeft(whole, "0")
	max := strconv.FormatInt(int64(MilliMax/Core), 10)
	if len(whole) > len(max) || (len(whole) == len(max) && whole > max) {
		return bad("is too large (at most " + max + " cores)")
	}
	var v int64
	for _, c := range whole {
		v = v*10 + int64(c-'0')
	}
	v *= 1000
	scale := int64(100)
	for _, c := range frac {
		v += int64(c-'0') * scale
		scale /= 10
	}
	if Milli(v) > MilliMax {
		return bad("is too large (at most " + max + " cores)")
	}
	return Milli(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// literalError is a bad JSON value, named by its key; core/strictjson
// locates it (encoding/json passes custom errors on without an offset) and
// leaves out the key, which its path already ends with.
type literalError struct {
	key, lit, msg string
}

func (e *literalError) Error() string { return e.key + ": " + e.lit + " " + e.msg }
