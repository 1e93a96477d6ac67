//go:build !js

package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	require.Equal(t, 2.0, median([]float64{3, 1, 2}))
	require.Equal(t, 2.5, median([]float64{4, 1, 3, 2}))
	xs := []float64{3, 1}
	median(xs)
	require.Equal(t, []float64{3, 1}, xs, "median leaves its input as it was")
}

// The SimPy model's line, as availability_simpy.py prints it.
func TestParseFields(t *testing.T) {
	m := parseFields("availability 0.899213 expected 0.900000 stderr 0.000834 blades 256 failures 25646 events 104744 ticks 2000000\n")
	require.Equal(t, map[string]float64{"availability": 0.899213, "expected": 0.9, "stderr": 0.000834, "blades": 256,
		"failures": 25646, "events": 104744, "ticks": 2_000_000}, m)
}

func TestName(t *testing.T) {
	require.Equal(t, "1k", name(1000))
	require.Equal(t, "100k", name(100_000))
	require.Equal(t, "1500", name(1500))
}
