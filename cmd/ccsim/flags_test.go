package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every command refuses a flag given twice (the flag package kept the
// last one silently); --policy alone repeats, and a value that looks like
// a flag is a value.
func TestAFlagGivenTwiceIsRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--ticks", "9", "--score", "-blade.free_cores", "--score", "blade.free_cores"}, "score"},
		{[]string{"sweep", "--builtin", "workload-churn", "--seeds", "2", "--seeds=3", "--ticks", "9"}, "seeds"},
		{[]string{"sweep", "spec.json", "--json", "-json"}, "json"},
		{[]string{"sweep", "merge", "--csv", "a.csv", "a.jsonl", "--csv", "b.csv"}, "csv"},
		{[]string{"run", "--ticks", "5", "--ticks", "6"}, "ticks"},
		{[]string{"gen", "--blades", "2", "--blades", "3"}, "blades"},
		{[]string{"gen", "churn", "--seed", "1", "--seed", "2"}, "seed"},
		{[]string{"gen", "availability", "--mtbf", "1", "--mtbf", "2"}, "mtbf"},
		{[]string{"link", "encode", "--builtin", "default", "--builtin", "workload-churn"}, "builtin"},
	} {
		_, errs, code := ccsim(t, tc.args...)
		require.Equal(t, 2, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, "flag -"+tc.flag+" is given twice", tc.args)
	}

	out, errs, code := ccsim(t, "sweep", "--builtin", "workload-churn", "--policy", "first-fit", "--policy", "best-fit",
		"--score", "-blade.free_cores", "--seeds", "2", "--ticks", "9")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "custom")
}
