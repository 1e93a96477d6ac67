package trace

import "strconv"

// Count writes n with a noun in its English number, for reasons and
// messages: Count(1, "instance", "instances") is "1 instance",
// Count(3, "instance", "instances") is "3 instances".
func Count[N ~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64](n N, one, many string) string {
	noun := many
	if n == 1 {
		noun = one
	}
	return strconv.FormatInt(int64(n), 10) + " " + noun
}
