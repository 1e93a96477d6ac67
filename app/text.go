package app

import "strconv"

// count is any whole number the page counts things with.
type count interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64
}

// digits writes a count for the page's own sentences, its digits in
// groups of three: "999", "50,000", "-1,234". The core's trace text
// (trace.Count, "50000 blades") keeps plain digits: the trace hash covers
// it.
func digits[N count](n N) string {
	s := strconv.FormatInt(int64(n), 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	b := make([]byte, 0, len(sign)+len(s)+(len(s)-1)/3)
	b = append(b, sign...)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b = append(b, s[:head]...)
	for i := head; i < len(s); i += 3 {
		b = append(b, ',')
		b = append(b, s[i:i+3]...)
	}
	return string(b)
}

// plural writes a count with its noun, the count as digits writes it:
// "1 event", "3 events", "50,000 blades". Nouns whose plural is not the
// noun plus "s" give it: plural(n, "entry", "entries").
func plural[N count](n N, noun string, nouns ...string) string {
	if n == 1 {
		return "1 " + noun
	}
	many := noun + "s"
	if len(nouns) > 0 {
		many = nouns[0]
	}
	return digits(n) + " " + many
}
