// Package rng is the simulation's only source of randomness: a small, seeded,
// serialisable generator (xoshiro256**) whose output is the same on every
// platform and in every Go release, because it is integer arithmetic we own.
//
// A scenario has one seed; each concern (boot delays, cable delays, faults, …)
// draws from its own stream, derived from the seed and a stream number, so a
// new draw in one concern never shifts the numbers another concern sees.
// Every concern's number is declared in package registry.
//
// A concern with one stream per item (the scenario's random failure
// processes) gives item i the stream Derive(concern, i): a SplitMix64
// finalizer of concern<<32 | i. Never concern+i: added numbers run into the
// next concern's (with 0x400+i, the 257th failure process drew the workload
// manager's numbers, 0x500). The finalizer is a bijection, so two pairs
// with concern and item below 2^32 never share a stream; registry's test
// checks that no derived stream of a bounded concern is a registered one.
//
// Distinct streams give distinct generators for one seed: New maps a stream
// to its first state through a bijection.
package rng

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Source is a xoshiro256** generator. The zero value is not usable; call New.
type Source struct {
	s [4]uint64
}

// New returns the generator for stream of seed. Equal arguments give equal
// sequences.
func New(seed, stream uint64) *Source {
	x := seed ^ (stream * 0x9e3779b97f4a7c15)
	var src Source
	for i := range src.s {
		x, src.s[i] = splitmix64(x)
	}
	if src.s == [4]uint64{} { // xoshiro's one forbidden state
		src.s[0] = 1
	}
	return &src
}

// Derive returns the stream of item of a per-item concern (see the package
// doc). Concern 0 is no concern (Derive(0, 0) is 0). It panics if concern
// or item is not below 2^32: the pairs would no longer be distinct.
func Derive(concern, item uint64) uint64 {
	if concern>>32 != 0 || item>>32 != 0 {
		panic(fmt.Sprintf("rng: Derive(%#x, %d): concern and item must be below 2^32", concern, item))
	}
	return mix64(concern<<32 | item)
}

// Mix folds x into the hash h: for a seed made of several values (a
// decision's tick, instance and count), each folded in turn. Integer
// arithmetic, the same everywhere.
func Mix(h, x uint64) uint64 { return mix64(h ^ mix64(x+0x9e3779b97f4a7c15)) }

// mix64 is SplitMix64's finalizer: a bijection of uint64 that spreads every
// input bit over the output.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func splitmix64(x uint64) (next, out uint64) {
	x += 0x9e3779b97f4a7c15
	return x, mix64(x)
}

// Uint64 returns the next 64 random bits.
func (r *Source) Uint64() uint64 {
	s := &r.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// Uint64N returns a uniform number in [0, n). It panics if n is 0.
// Lemire's multiply-and-reject method: unbiased, and only integer operations.
func (r *Source) Uint64N(n uint64) uint64 {
	if n == 0 {
		panic("rng: Uint64N(0)")
	}
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// Range returns a uniform number in [lo, hi], both inclusive, as the
// original's delay ranges are. It panics if hi < lo.
func (r *Source) Range(lo, hi int64) int64 {
	if hi < lo {
		panic(fmt.Sprintf("rng: Range(%d, %d)", lo, hi))
	}
	if lo == hi {
		return lo
	}
	return lo + int64(r.Uint64N(uint64(hi-lo)+1))
}

// Unit53 returns a uniform fraction in (0, 1] as a 53-bit fixed-point count:
// the result is k / 2^53 with k in [1, 2^53]. Integer, so it agrees everywhere.
func (r *Source) Unit53() uint64 {
	return r.Uint64()>>11 + 1
}

// MarshalBinary writes the generator's state (32 bytes).
func (r *Source) MarshalBinary() ([]byte, error) {
	b := make([]byte, 32)
	for i, v := range r.s {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary.
func (r *Source) UnmarshalBinary(b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("rng: state is %d bytes, want 32", len(b))
	}
	for i := range r.s {
		r.s[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	if r.s == [4]uint64{} {
		return fmt.Errorf("rng: state is all zero")
	}
	return nil
}
