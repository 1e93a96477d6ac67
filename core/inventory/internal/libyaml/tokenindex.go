package libyaml

// [CloudChamber] tokenIndex is the scanner's simple_keys_by_tok, a map
// from a token's number to an index in the simple keys' stack, which
// yaml.v3 kept in a map[int]int. It holds a few entries at a time (about
// one per flow level open), so they are kept in a slice, searched from
// its end, until there are more than tokenIndexSmall: a map then holds
// them all from then on, as in yaml.v3, so that a deep nesting costs no
// more than it did. It answers exactly as the map did (tokenindex_test.go).
type tokenIndex struct {
	small []tokenEntry // the entries while there are few, in no order
	big   map[int]int  // all the entries once there were too many
}

type tokenEntry struct{ tok, idx int }

// tokenIndexSmall is the most entries the slice holds.
const tokenIndexSmall = 16

func (x *tokenIndex) get(tok int) (int, bool) {
	if x.big != nil {
		idx, ok := x.big[tok]
		return idx, ok
	}
	for i := len(x.small) - 1; i >= 0; i-- {
		if x.small[i].tok == tok {
			return x.small[i].idx, true
		}
	}
	return 0, false
}

func (x *tokenIndex) set(tok, idx int) {
	if x.big != nil {
		x.big[tok] = idx
		return
	}
	for i := len(x.small) - 1; i >= 0; i-- {
		if x.small[i].tok == tok {
			x.small[i].idx = idx
			return
		}
	}
	if len(x.small) < tokenIndexSmall {
		x.small = append(x.small, tokenEntry{tok, idx})
		return
	}
	x.big = make(map[int]int, 2*tokenIndexSmall)
	for _, e := range x.small {
		x.big[e.tok] = e.idx
	}
	x.big[tok] = idx
	x.small = nil
}

func (x *tokenIndex) delete(tok int) {
	if x.big != nil {
		delete(x.big, tok)
		return
	}
	for i := len(x.small) - 1; i >= 0; i-- {
		if x.small[i].tok == tok {
			last := len(x.small) - 1
			x.small[i] = x.small[last]
			x.small = x.small[:last]
			return
		}
	}
}
