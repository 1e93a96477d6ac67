package link

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTripEveryBuiltin(t *testing.T) {
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		sc.Commands = []scenario.Timed{{At: 5, Command: scenario.Command{Do: scenario.StopRack, Target: "x/y/z"}}}
		sc.At = 9
		l, err := Encode(sc, 1)
		require.NoError(t, err)
		again, err := Encode(sc, 1)
		require.NoError(t, err)
		assert.Equal(t, l, again, "the same scenario gives the same link")
		assert.Less(t, len(l), 2000, "%s: %d characters", name, len(l))
		d, err := Decode("http://127.0.0.1:8000/#"+l, 1)
		require.NoError(t, err)
		a, _ := scenario.Marshal(sc)
		b, _ := scenario.Marshal(d.Scenario)
		assert.Equal(t, string(a), string(b), name)
	}
}

func TestBadLinks(t *testing.T) {
	sc := scenario.Default()
	good, err := Encode(sc, 1)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, link string
		want       error
		text       string
	}{
		{"empty", "", ErrNotALink, "should start with #s1."},
		{"other", "#hello", ErrNotALink, ""},
		{"newer", "#s2.abc", ErrNewerFormat, `format is "s2"`},
		{"truncated", good[:len(good)/2], ErrDamaged, ""},
		{"bad base64", "#s1.***", ErrDamaged, ""},
		{"tampered", tamper(good), ErrDamaged, ""},
		{"huge", "#s1." + strings.Repeat("A", MaxFragment), ErrTooLarge, ""},
	} {
		_, err := Decode(tc.link, 1)
		require.Error(t, err, tc.name)
		if tc.want != nil {
			assert.ErrorIs(t, err, tc.want, tc.name)
		}
		assert.Contains(t, err.Error(), tc.text, tc.name)
	}
	d, err := Decode(good, 2)
	assert.ErrorIs(t, err, ErrOtherEngine)
	require.NotNil(t, d, "the scenario comes back so the user may open it anyway")
	assert.Equal(t, 1, d.Engine)
}

func tamper(l string) string {
	raw, _ := base64.RawURLEncoding.DecodeString(l[len(Prefix):])
	raw[len(raw)/2] ^= 0x55
	return Prefix + base64.RawURLEncoding.EncodeToString(raw)
}

func TestZipBombRefused(t *testing.T) {
	sc := scenario.Default()
	sc.Description = strings.Repeat("a", MaxPayload)
	l, err := Encode(sc, 1)
	require.NoError(t, err)
	_, err = Decode(l, 1)
	assert.ErrorIs(t, err, ErrTooLarge)
}
