//go:build wasm

package sha256

import "hash"

// New returns a new hash.Hash computing the SHA-256 checksum; it
// implements encoding.BinaryMarshaler and encoding.BinaryUnmarshaler in
// crypto/sha256's format.
func New() hash.Hash { return newDigest() }

// Sum256 returns the SHA-256 checksum of data.
func Sum256(data []byte) [Size]byte { return sum256(data) }
