package app

import "fmt"

// count is any whole number the page counts things with.
type count interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64
}

// plural writes a count with its noun: "1 event", "3 events". Nouns whose
// plural is not the noun plus "s" give it: plural(n, "entry", "entries").
func plural[N count](n N, noun string, nouns ...string) string {
	if n != 1 {
		if len(nouns) > 0 {
			noun = nouns[0]
		} else {
			noun += "s"
		}
	}
	return fmt.Sprintf("%d %s", n, noun)
}
