package inventory

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// yamlStyleFloatRE is the regular expression yamlStyleFloat replaces.
var yamlStyleFloatRE = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

func TestYAMLStyleFloat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"1", true}, {"1.", true}, {"1.5", true}, {".5", true}, {"-.5", true}, {"+1.5e10", true},
		{"1e5", true}, {"1E-5", true}, {"1.e+5", true}, {"0.0", true}, {"007", true},
		{"", false}, {".", false}, {"-", false}, {"+.", false}, {".e5", false}, {"1e", false},
		{"1e+", false}, {"e5", false}, {"1.5.5", false}, {"1..5", false}, {"--1", false},
		{"1_000", false}, {"0x10", false}, {"1.5 ", false}, {" 1.5", false}, {".inf", false}, {"1e5e5", false},
	} {
		require.Equal(t, tc.want, yamlStyleFloat(tc.in), "%q", tc.in)
		require.Equal(t, tc.want, yamlStyleFloatRE.MatchString(tc.in), "the regexp on %q", tc.in)
	}
}

// yamlStyleFloat answers as the regular expression does, on random texts
// over the characters that matter.
func TestYAMLStyleFloatMatchesRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 4))
	const alphabet = "+-.0123456789eE_x "
	matched := 0
	for range 200_000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		want := yamlStyleFloatRE.Match(b)
		require.Equal(t, want, yamlStyleFloat(string(b)), "%q", b)
		if want {
			matched++
		}
	}
	require.Greater(t, matched, 1000)
}
