// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package sha256 is SHA-256 as crypto/sha256 computes it, for the core's
// trace hash and snapshot checksums, without crypto/sha256's FIPS 140
// module in the page: importing crypto/sha256 links the module's
// self-tests, which bring AES, GCM, HMAC, SHA-3, SHA-512 and a DRBG into
// the wasm (see README, Size of the app). On js/wasm New and Sum256 are
// the generic Go code below, the code crypto/sha256 itself runs there
// (it has no wasm assembly); elsewhere they are crypto/sha256's, with its
// assembly. Both give the same sums and the same marshalled state, so a
// snapshot written by one is read by the other.
//
// The digest below is crypto/internal/fips140/sha256 (sha256.go and
// sha256block.go of Go 1.26) without SHA-224 and the FIPS bookkeeping.
package sha256

import (
	"encoding/binary"
	"errors"
)

// Size is the size of a SHA-256 checksum in bytes.
const Size = 32

// BlockSize is the block size of SHA-256 in bytes.
const BlockSize = 64

const (
	chunk = 64
	init0 = 0x6A09E667
	init1 = 0xBB67AE85
	init2 = 0x3C6EF372
	init3 = 0xA54FF53A
	init4 = 0x510E527F
	init5 = 0x9B05688C
	init6 = 0x1F83D9AB
	init7 = 0x5BE0CD19
)

// digest is a running SHA-256.
type digest struct {
	h   [8]uint32
	x   [chunk]byte
	nx  int
	len uint64
}

const (
	magic256      = "sha\x03"
	marshaledSize = len(magic256) + 8*4 + chunk + 8
)

// MarshalBinary is the state in crypto/sha256's format.
func (d *digest) MarshalBinary() ([]byte, error) {
	return d.AppendBinary(make([]byte, 0, marshaledSize))
}

// AppendBinary appends the state in crypto/sha256's format.
func (d *digest) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, magic256...)
	for _, h := range d.h {
		b = binary.BigEndian.AppendUint32(b, h)
	}
	b = append(b, d.x[:d.nx]...)
	b = append(b, make([]byte, len(d.x)-d.nx)...)
	b = binary.BigEndian.AppendUint64(b, d.len)
	return b, nil
}

// UnmarshalBinary restores a state MarshalBinary (or crypto/sha256's)
// wrote.
func (d *digest) UnmarshalBinary(b []byte) error {
	if len(b) < len(magic256) || string(b[:len(magic256)]) != magic256 {
		return errors.New("crypto/sha256: invalid hash state identifier")
	}
	if len(b) != marshaledSize {
		return errors.New("crypto/sha256: invalid hash state size")
	}
	b = b[len(magic256):]
	for i := range d.h {
		d.h[i] = binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	b = b[copy(d.x[:], b):]
	d.len = binary.BigEndian.Uint64(b)
	d.nx = int(d.len % chunk)
	return nil
}

func (d *digest) Reset() {
	d.h = [8]uint32{init0, init1, init2, init3, init4, init5, init6, init7}
	d.nx = 0
	d.len = 0
}

func newDigest() *digest {
	d := new(digest)
	d.Reset()
	return d
}

func (d *digest) Size() int { return Size }

func (d *digest) BlockSize() int { return BlockSize }

func (d *digest) Write(p []byte) (nn int, err error) {
	nn = len(p)
	d.len += uint64(nn)
	if d.nx > 0 {
		n := copy(d.x[d.nx:], p)
		d.nx += n
		if d.nx == chunk {
			block(d, d.x[:])
			d.nx = 0
		}
		p = p[n:]
	}
	if len(p) >= chunk {
		n := len(p) &^ (chunk - 1)
		block(d, p[:n])
		p = p[n:]
	}
	if len(p) > 0 {
		d.nx = copy(d.x[:], p)
	}
	return
}

func (d *digest) Sum(in []byte) []byte {
	// Make a copy of d so that caller can keep writing and summing.
	d0 := *d
	hash := d0.checkSum()
	return append(in, hash[:]...)
}

func (d *digest) checkSum() [Size]byte {
	len := d.len
	// Padding. Add a 1 bit and 0 bits until 56 bytes mod 64.
	var tmp [64 + 8]byte // padding + length buffer
	tmp[0] = 0x80
	var t uint64
	if len%64 < 56 {
		t = 56 - len%64
	} else {
		t = 64 + 56 - len%64
	}

	// Length in bits.
	len <<= 3
	padlen := tmp[:t+8]
	binary.BigEndian.PutUint64(padlen[t+0:], len)
	d.Write(padlen)

	if d.nx != 0 {
		panic("d.nx != 0")
	}

	var digest [Size]byte
	for i, h := range d.h {
		binary.BigEndian.PutUint32(digest[4*i:], h)
	}
	return digest
}

// sum256 is the checksum of data by the generic code.
func sum256(data []byte) [Size]byte {
	var d digest
	d.Reset()
	d.Write(data)
	return d.checkSum()
}
