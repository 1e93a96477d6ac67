package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/trace"

	"github.com/stretchr/testify/assert"
)

func TestPlural(t *testing.T) {
	assert.Equal(t, "0 events", plural(0, "event"))
	assert.Equal(t, "1 event", plural(uint64(1), "event"))
	assert.Equal(t, "2 events", plural(int64(2), "event"))
	assert.Equal(t, "1 older entry", plural(1, "older entry", "older entries"))
	assert.Equal(t, "3 older entries", plural(3, "older entry", "older entries"))
	assert.Equal(t, "1 of 1 trace matches; 1 span kept", logCount(1, 1, 1))
	assert.Equal(t, "3 of 120 traces match; 400 spans kept", logCount(3, 120, 400))
	assert.Equal(t, "1 core", milliText(1000))
	assert.Equal(t, "1.5 cores", milliText(1500))
	assert.Equal(t, "50,000 blades", plural(50_000, "blade"))
	assert.Equal(t, "1,234,567 events", plural(uint64(1_234_567), "event"))
	assert.Equal(t, "1,000 older entries", plural(1000, "older entry", "older entries"))
}

// The page's own sentences group a count's digits by three; the core's
// trace text (trace.Count) does not, as the trace hash covers it.
func TestDigits(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {12_345, "12,345"}, {123_456, "123,456"},
		{1_234_567, "1,234,567"}, {-1, "-1"}, {-999, "-999"}, {-1000, "-1,000"}, {-123_456_789, "-123,456,789"},
	} {
		assert.Equal(t, tc.want, digits(tc.n), "%d", tc.n)
	}
	assert.Equal(t, "50000 blades", trace.Count(50_000, "blade", "blades"), "the trace's text keeps plain digits")
}

// The Reset dialog names the commands it drops only when there are some.
func TestResetText(t *testing.T) {
	assert.Equal(t, "This restarts standard at tick 0: the time-travel history (up to tick 40) is dropped. The session as it stands is kept in the library first, so you can open it again.",
		resetText("standard", 0, 40))
	assert.Equal(t, "This restarts standard at tick 0: the 2 commands you gave and the time-travel history (up to tick 1200) are dropped. The session as it stands is kept in the library first, so you can open it again.",
		resetText("standard", 2, 1200))
}
