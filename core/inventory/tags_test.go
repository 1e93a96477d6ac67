package inventory

import (
	"math/rand/v2"
	"regexp"
	"strconv"
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

// resolvePlain's shortcuts for numbers answer as the code after them
// would: a small decimal is one ParseInt reads (on random texts over the
// characters that matter, and the edges), and no key of resolveMap starts
// with a digit.
func TestResolvePlainDecimalShortcut(t *testing.T) {
	for k := range resolveMap {
		if k != "" {
			require.NotEqual(t, byte('D'), resolveTable[k[0]], "%q", k)
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	const alphabet = "0123456789_+-xob.e"
	cases := []string{"0", "00", "01", "9", "10", "999999999999999999", "9999999999999999999", "9223372036854775807", "0x1", "1_0", ""}
	for range 100_000 {
		b := make([]byte, r.IntN(21))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = '0' + byte(r.IntN(10))
			}
		}
		cases = append(cases, string(b))
	}
	small := 0
	for _, s := range cases {
		if smallDecimal([]byte(s)) {
			small++
			_, err := strconv.ParseInt(s, 0, 64)
			require.NoError(t, err, "%q", s)
			require.Equal(t, tagInt, resolvePlain([]byte(s)), "%q", s)
		}
	}
	require.Greater(t, small, 1000)
}
