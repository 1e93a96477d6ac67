/*
Package trace records what every part of the simulation did and why: the
hardware state machines, the monitor, the repair managers and the scheduler
all report through one Tracer per simulation. It is the original's tracing
plus its trace sink, with no I/O and no wall clock: every time in it is a
simulated tick the caller passes in.

# Spans

A span is one unit of work. Start one when the work begins, add what
happened, and End it when the work is done:

	s := tr.Start(now, "power on blade")
	s.Reason("the user asked for it, and the PDU port is on")
	s.Infof(now, "%s -> %s", from, to)
	s.Impact(trace.Modify, "region1/zone1/rack1/blade/3")
	s.End()

Lines carry a Severity (Debug … Fatal); the entry's Severity is the highest of
its lines, Info if it has none. Impacts (read, create, modify, delete,
execute on an element path) say what the work touched.

A part of the work is a child: c := s.Child(now, "check cable"). The child
records a Child event in s at that point, must End before s does, and its
impacts are lifted into s when it ends, so a root names everything its tree
touched. A span's End tick is the latest tick it saw, its children's included;
ticks within a span never go backwards.

# Links

Work that one part asks of another, to happen later or elsewhere, is linked
rather than nested. The sender records the request and gets an id that
travels with it (in the typed data of the queued event, never a closure):

	id := s.Link(now, "ask the TOR to connect port 3")

and the receiver, when it acts on the request, starts a root span with it:

	r := tr.StartLinked(later, "connect port", id)

The UI and WriteText show r under the Link event in s, as the original
grafted asynchronous work under the request that caused it.

# Infrastructure

Stepping time, polls and housekeeping are infrastructure: StartInfra (and
StartInfraLinked) start such spans, and the children of an infrastructure
span are infrastructure too. They are stored, shown and exported like any
other, but they draw ids from a counter of their own (top bit set, written
"i12") and are left out of the trace hash, so how time was advanced never
changes a simulation span's id or the hash.

# The trace hash

Hash is a running SHA-256 over every simulation entry ever ended, in the
order they ended. It covers the whole run, not the bounded store, and its
state is part of a snapshot. Same scenario, seed and commands give the same
hash, natively and in every browser: that is how tests and users check
determinism.

The hash starts with the bytes "cloudchamber trace v1\n", then each entry in
this canonical form, which covers every field of Entry except Seq (Seq counts
infrastructure entries too):

	entry  = uvarint ID, uvarint Parent, uvarint Link, string Name, string Reason,
	         varint Start, varint End, byte Infra (always 0 here), byte Severity,
	         uvarint len(Events), event…, uvarint len(Impacts), impact…
	event  = varint Tick, byte Severity, byte Kind, string Text, uvarint Ref
	impact = byte Impact, string Element
	string = uvarint length in bytes, the bytes

uvarint and varint (zig-zag) are encoding/binary's; enums are their numeric
values (Debug 1 … Fatal 5, Read 1 … Execute 5, Line 1 … Link 3). Any id with
the infrastructure bit set is written as 0 (a simulation span started by an
infrastructure link), so infrastructure cannot show through a reference.

# The store

Each ended span becomes an Entry numbered by Seq (1, 2, …, infrastructure
included) and kept in a FIFO of the last Retention entries. A reader polls
with After(cursor, n), which also says when entries it had not seen were aged
out; ByElement serves a detail card and ByTicks a point in time. Entries are
immutable once ended, so queries copy the Entry values but share their slices:
treat them as read-only.

# Encodings and snapshots

WriteJSONL and ReadJSONL exchange entries as JSON Lines, exactly and with a
fixed field order; WriteText prints the indented tree of the original's
text log. MarshalSnapshot and UnmarshalSnapshot save and restore the
tracer (hash state, id counters, Seq, entries held), so a restored run
continues with the same ids, hash and store as one never interrupted.

# Rules

A Tracer is used by the one goroutine that owns the simulation. Misuse is a
bug in the caller and panics: a span used after End, ended twice or before
its children, an empty name, an invalid severity or impact, a tick earlier
than one the span already saw, or a snapshot taken or restored while a span
is open. Bad input from outside (a JSONL file, a snapshot) gives an error.
*/
package trace
