package app

import (
	"testing"

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
}
