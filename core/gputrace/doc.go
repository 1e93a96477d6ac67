// Package gputrace holds a GPU cluster trace: its nodes, with their GPU
// devices, and its tasks, with what each asks of them. It is the form the
// Alibaba GPU cluster trace (2023; alibaba/clusterdata,
// cluster-trace-gpu-v2023) takes once read, and what the fill experiment
// (core/fill) and the scenario import work from.
//
// # Files
//
// A trace is two CSV files (RFC 4180: fields separated by commas, quoted
// with double quotes when they hold one, lines ending in LF or CRLF, a
// byte order mark at the start skipped, blank lines skipped): a node list
// and a task list. The first line is a header naming the columns. Columns
// are found by name, not by position: names match regardless of case and
// of spaces at either end; a required column that is missing, or any
// column named twice, is refused with its name; a column of any other name
// is ignored (so a file may carry more data). The Alibaba trace's files are
// such files as published; this is also the format for other traces
// (times in seconds, resources in the units below).
//
// A node list (ReadNodes, NodeReader) has, all required:
//
//	sn          the node's name: 1..128 bytes of printable text, no space at either end, unique in the file
//	cpu_milli   CPU, thousandths of a core: 1..1000000000
//	memory_mib  memory, MiB: 1..1000000000
//	gpu         whole GPU devices: 0..64
//	model       the devices' model (1..64 letters, digits, '-', '_' or '.'); empty when gpu is 0, required otherwise
//
// A task list (ReadTasks, TaskReader) has, the first eight required:
//
//	name            the task's name, as sn above, unique in the file
//	cpu_milli       CPU asked for, thousandths of a core: 0..1000000000
//	memory_mib      memory asked for, MiB: 0..1000000000
//	num_gpu         whole GPU devices asked for: 0..64
//	gpu_milli       the share of each device, thousandths: 0 when num_gpu is 0, 1..1000 when it is 1, 1000 when it is 2 or more
//	gpu_spec        the GPU models it may run on, separated by "|" (no empty entry, none twice, at most 64); empty: any; empty when num_gpu is 0
//	creation_time   seconds from the trace's start: 0..10000000000
//	deletion_time   seconds, not before creation_time (nor scheduled_time when given); empty: never deleted (Never)
//	qos             optional: empty or a label (1..64 letters, digits, '-', '_' or '.'), e.g. LS, BE, Burstable, Guaranteed
//	pod_phase       optional: empty or a label, e.g. Running, Pending, Failed, Succeeded
//	scheduled_time  optional: seconds, not before creation_time; empty: never scheduled (Never)
//
// Every column the simulation uses is required, so that a misspelt one is
// refused rather than ignored; the optional ones are for information.
// Numbers are decimal digits only: no sign, no spaces, no fraction.
//
// # Errors
//
// Every error names the file, the line, the CSV column (the field's place
// in its row, from 1, as a spreadsheet counts) and the column's name, then
// what is wrong; see Error. The readers check each row as they read it,
// and a bad row does not stop them: ReadNodes and ReadTasks return every
// bad row's error (up to ErrorsMax) and no list, so that an import either
// has the whole trace or nothing.
//
// # Streaming
//
// NodeReader and TaskReader read one row per Next call from an io.Reader,
// holding only the current row, the names read so far and one copy of
// each label, so that a caller (the page) can turn rows into its own form
// without the file and the list in memory at once. Sniff tells the two
// kinds of file apart by their header. The package does no other I/O and
// keeps no global state.
package gputrace
