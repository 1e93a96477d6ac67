package app

import "github.com/cloudchamber/cloudchamber/core/trace"

// count is any whole number the page counts things with.
type count interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64
}

// plural writes a count with its noun: "1 event", "3 events". Nouns whose
// plural is not the noun plus "s" give it: plural(n, "entry", "entries").
func plural[N count](n N, noun string, nouns ...string) string {
	many := noun + "s"
	if len(nouns) > 0 {
		many = nouns[0]
	}
	return trace.Count(n, noun, many) // the core's trace text counts the same way
}
