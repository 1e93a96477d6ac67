package fill

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The published results shipped with the package are the test data's, as
// ReadCSV reads the file.
func TestPublishedIsTheTestData(t *testing.T) {
	got, err := Published()
	require.NoError(t, err)
	f, err := os.Open(publishedFile)
	require.NoError(t, err)
	defer f.Close()
	want, err := ReadCSV(f, publishedFile)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Len(t, got, 2*6*10) // two task lists, six policies, ten seeds
}

func TestParseThousandths(t *testing.T) {
	for s, want := range map[string]int64{"1.3": 1300, "1": 1000, "0.5": 500, ".25": 250, "2.": 2000, "1.001": 1001} {
		got, err := ParseThousandths(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	for _, s := range []string{"", ".", "-1", "+1", "1.2345", "x", "0.000", "1e3"} {
		_, err := ParseThousandths(s)
		require.Error(t, err, s)
	}
}
