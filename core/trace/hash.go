package trace

import (
	"encoding/binary"
	"io"
)

// hashPrefix starts every trace hash: it names the encoding, so a trace
// hashed under another encoding can never collide with this one, and an
// empty trace does not hash to SHA-256("").
const hashPrefix = "cloudchamber trace v2\n"

// appendCanonical appends the canonical form of a simulation entry, the
// bytes the trace hash covers; the package doc specifies it for users.
// Changing it changes every recorded hash (TestHashIsPinned guards it), so a
// change needs a new hashPrefix. Infrastructure ids are written as 0.
func appendCanonical(b []byte, e *Entry) []byte { return writeCanonical(b, e, nil) }

// AppendCanonical appends the canonical form of a simulation entry to b:
// the bytes the trace hash covers for it (the package doc specifies them).
// Two runs whose entries have the same canonical forms, one by one, have
// made the same decisions for the same reasons; comparing them finds the
// first decision where two runs part (see core/compare).
func AppendCanonical(b []byte, e *Entry) []byte { return appendCanonical(b, e) }

// hashChunk is the size past which writeCanonical hands its buffer to the
// writer between an entry's events and impacts.
const hashChunk = 16 << 10

// writeCanonical is appendCanonical that, given a writer (the running
// hash), writes what it has appended to w and starts b again whenever b
// passes hashChunk between two events or impacts: the bytes w sees are the
// same, and one huge entry (the root of a 50,000-blade bring-up, with
// 100,000 impacts: megabytes) needs no buffer of its size. It returns b with
// what is left to write.
func writeCanonical(b []byte, e *Entry, w io.Writer) []byte {
	flush := func() {
		if w != nil && len(b) >= hashChunk {
			w.Write(b)
			b = b[:0]
		}
	}
	b = binary.AppendUvarint(b, simOnly(uint64(e.ID)))
	b = binary.AppendUvarint(b, simOnly(uint64(e.Parent)))
	b = binary.AppendUvarint(b, simOnly(uint64(e.Link)))
	b = appendMessage(b, e.Name)
	b = appendMessage(b, e.Reason)
	b = binary.AppendVarint(b, int64(e.Start))
	b = binary.AppendVarint(b, int64(e.End))
	infra := byte(0)
	if e.Infra {
		infra = 1
	}
	b = append(b, infra, byte(e.Severity))
	b = binary.AppendUvarint(b, uint64(len(e.Events)))
	for i := range e.Events {
		ev := &e.Events[i]
		b = binary.AppendVarint(b, int64(ev.Tick))
		b = append(b, byte(ev.Severity), byte(ev.Kind))
		b = appendMessage(b, ev.Text)
		b = binary.AppendUvarint(b, simOnly(ev.Ref))
		flush()
	}
	b = binary.AppendUvarint(b, uint64(len(e.Impacts)))
	for _, im := range e.Impacts {
		b = append(b, byte(im.Impact))
		b = appendString(b, im.Element)
		flush()
	}
	return b
}

// appendMessage writes a message's key and typed arguments, never its
// English: rewording a template changes no hash.
func appendMessage(b []byte, m Message) []byte {
	args := m.Args()
	b = appendString(b, m.code.Key())
	b = binary.AppendUvarint(b, uint64(len(args)))
	for i := range args {
		a := &args[i]
		b = append(b, byte(a.Kind))
		switch a.Kind {
		case ArgInt:
			b = binary.AppendVarint(b, int64(a.N))
		case ArgUint:
			b = binary.AppendUvarint(b, a.N)
		case ArgStr:
			b = appendString(b, a.S)
		case ArgEnum:
			b = appendString(b, a.Enum.key())
			b = binary.AppendUvarint(b, a.N)
		case ArgMsg:
			b = appendString(b, a.Msg.Key())
			b = binary.AppendUvarint(b, a.N)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func simOnly(id uint64) uint64 {
	if id&infraBit != 0 {
		return 0
	}
	return id
}
