/*
Package trace records what every part of the simulation did and why: the
hardware state machines, the monitor, the repair managers and the scheduler
all report through one Tracer per simulation. It is the original's tracing
plus its trace sink, with no I/O and no wall clock: every time in it is a
simulated tick the caller passes in.

# Spans

A span is one unit of work. Start one when the work begins, add what
happened, and End it when the work is done:

	s := tr.StartMsg(now, msgPowerOn, trace.Str(path))
	s.ReasonMsg(msgUserAsked)
	s.Info(now, msgTransition, trace.Str(path), states.Of(from), states.Of(to))
	s.Impact(trace.Modify, path)
	s.End()

# Messages

A span's name, its reason and its lines are messages: a code from the
catalogue and typed arguments, never English built at the call site. A
package defines its messages once, as package variables:

	var msgTransition = trace.Define("hardware.transition", "{0} {1} -> {2}")
	var states = trace.DefineEnum("hardware.blade-state", bladeStateNames[:])

The key ("hardware.transition") is what the hash, JSONL and snapshots carry;
it never changes for a message that means the same. The template is the
English, rendered only when something is displayed or exported
(Message.String, WriteText, the "text" fields of WriteJSONL, the page's log),
and can be reworded without changing any hash. Arguments are Int, Uint, Str
(an element path, a name from the scenario, a user's free text: never English
composed by the caller) and an enum's value (EnumSet.Of, Bool). A template
has numbered holes: {0} is argument 0, {0:q} quotes it, and {0:tick|ticks}
writes a number with a noun in its English number ("1 tick", "3 ticks");
{0:milli} writes a number of thousandths as a decimal (1500 as "1.5"), and
{0:milli core|cores} adds a noun, singular for exactly 1000; a last hole
{1..., } takes any number of arguments from 1 on, joined by ", ".
An argument can be a message in turn (AppendMsg), for a part of a sentence
that varies in shape, such as the items of such a list.
Recording a message formats nothing: its arguments are copied into a slab
the tracer shares among spans, and the Message (16 bytes: the range of the
slab, the code, the count) is stored. Message.Code and Message.Args read it
back; NewMessage makes one outside a tracer (a file read, a test).

The string methods (Start with a name, Reason, Infof, Logf, Link, …) remain
for text that is genuinely free-form: they record MsgText, key "text", whose
one argument is the text, so that text is in the hash.

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

The hash starts with the bytes "cloudchamber trace v2\n", then each entry in
this canonical form, which covers every field of Entry except Seq (Seq counts
infrastructure entries too):

	entry   = uvarint ID, uvarint Parent, uvarint Link, message Name, message Reason,
	          varint Start, varint End, byte Infra (always 0 here), byte Severity,
	          uvarint len(Events), event…, uvarint len(Impacts), impact…
	event   = varint Tick, byte Severity, byte Kind, message Text, uvarint Ref
	impact  = byte Impact, string Element
	message = string Key ("" for no message), uvarint len(Args), arg…
	arg     = byte Kind, then by kind: Int 1: varint; Uint 2: uvarint;
	          Str 3: string; Enum 4: string the enum's key, uvarint the value;
	          Msg 5: string the message's key, uvarint n (its n arguments follow)
	string  = uvarint length in bytes, the bytes

uvarint and varint (zig-zag) are encoding/binary's; enums are their numeric
values (Debug 1 … Fatal 5, Read 1 … Execute 5, Line 1 … Link 3). A message
is its key and arguments, never its English: a template can be reworded
without changing a hash (v1, before messages, hashed the English). Any id with
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
tracer (hash state, id counters, Seq, entries held, messages by key and
arguments), so a restored run continues with the same ids, hash and store as
one never interrupted. A snapshot naming a message or enum this build does
not define is refused.

# Rules

A Tracer is used by the one goroutine that owns the simulation. Misuse is a
bug in the caller and panics: a span used after End, ended twice or before
its children, an empty name, an invalid severity or impact, a tick earlier
than one the span already saw, or a snapshot taken or restored while a span
is open. Bad input from outside (a JSONL file, a snapshot) gives an error.
*/
package trace
