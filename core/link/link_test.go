package link

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
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
		// A built-in names its inventory and draws its workloads, so its
		// link is short; gpu-sharing carries a sample of a trace inline
		// (its blades and tasks), held to the length a link is still
		// offered as a link rather than a file.
		limit := 2000
		if name == "gpu-sharing" {
			limit = FileAbove
		}
		assert.Less(t, len(l), limit, "%s: %d characters", name, len(l))
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
		{"empty", "", ErrNotALink, "should start with #s2."},
		{"other", "#hello", ErrNotALink, ""},
		{"newer", "#s5.abc", ErrNewerFormat, `format is "s5" and this one reads up to "s4"`},
		{"compare damaged", "#s3.abc", ErrDamaged, "too short"},
		{"truncated", good[:len(good)/2], ErrDamaged, ""},
		{"bad base64", "#s2.***", ErrDamaged, ""},
		{"tampered", tamper(good), ErrDamaged, ""},
		{"huge", "#s2." + strings.Repeat("A", MaxFragment), ErrTooLarge, ""},
		{"trailing bytes", appendRaw(good, 0, 1, 2), ErrDamaged, "3 bytes after the end of its data"},
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

func appendRaw(l string, b ...byte) string {
	raw, _ := base64.RawURLEncoding.DecodeString(l[len(Prefix):])
	return Prefix + base64.RawURLEncoding.EncodeToString(append(raw, b...))
}

// One bit flipped anywhere in a link's data never gives another scenario:
// it is refused, or (a padding bit after the end of the compressed data)
// changes nothing. An "s1." link decoded to another scenario after one
// flip in seven, with no word.
func TestNoOneBitChangeGivesAnotherScenario(t *testing.T) {
	for _, name := range []string{"standard", "workload-churn", "flapping-tor"} {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		want, _ := scenario.Marshal(sc)
		l, err := Encode(sc, 1)
		require.NoError(t, err)
		raw, err := base64.RawURLEncoding.DecodeString(l[len(Prefix):])
		require.NoError(t, err)
		same := 0
		for i := range raw {
			for bit := range 8 {
				flipped := append([]byte(nil), raw...)
				flipped[i] ^= 1 << bit
				d, err := Decode(Prefix+base64.RawURLEncoding.EncodeToString(flipped), 1)
				if err != nil {
					require.ErrorIs(t, err, ErrDamaged, "%s: byte %d bit %d", name, i, bit)
					continue
				}
				got, _ := scenario.Marshal(d.Scenario)
				require.Equal(t, string(want), string(got), "%s: byte %d bit %d gave another scenario", name, i, bit)
				same++
			}
		}
		assert.Less(t, same, 8, "%s: only padding bits change nothing", name)
	}
}

// Links of the first format, which carry no checksum, still open.
func TestFirstFormatLinksStillOpen(t *testing.T) {
	sc := scenario.Default()
	body, err := scenario.Marshal(sc)
	require.NoError(t, err)
	d, err := Decode("#"+rawLink1(t, `{"engine":1,"scenario":`+string(body)+`}`), 1)
	require.NoError(t, err)
	again, _ := scenario.Marshal(d.Scenario)
	assert.Equal(t, string(body), string(again))
}

// Encode refuses what Decode would: a scenario too large for a link gets
// an error, never a link that does not open; and a link that inflates past
// the limit (a hand-made one) is refused.
func TestTooLargeBothWays(t *testing.T) {
	sc := scenario.Default()
	sc.Description = strings.Repeat("a", MaxPayload)
	_, err := Encode(sc, 1)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Decode(rawLink(t, `{"engine":1,"scenario":{"description":"`+strings.Repeat("a", MaxPayload)+`"}}`), 1)
	assert.ErrorIs(t, err, ErrTooLarge)
}

// rawLink makes a link of any payload text, as a hostile or hand-made link
// could carry.
func rawLink(t *testing.T, payload string) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write([]byte(payload))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	sum := binary.BigEndian.AppendUint32(nil, crc32.Checksum([]byte(payload), castagnoli))
	return Prefix + base64.RawURLEncoding.EncodeToString(append(sum, buf.Bytes()...))
}

// rawLink1 is rawLink in the first format: no checksum.
func rawLink1(t *testing.T, payload string) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write([]byte(payload))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return Prefix1 + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// A link is read as strictly as a scenario file: a repeated or
// case-variant key, in the payload or in its scenario, is refused and
// named, never resolved one way or the other.
func TestAmbiguousLinksAreRefused(t *testing.T) {
	body, err := scenario.Marshal(scenario.Default())
	require.NoError(t, err)
	good := `{"engine":1,"scenario":` + string(body) + `}`
	_, err = Decode(rawLink(t, good), 1)
	require.NoError(t, err)

	seed := strings.Index(good, `"seed":1`) + 1
	for _, c := range []struct {
		name, payload, want string
		damaged             bool
	}{
		{"repeated engine", `{"engine":1,"engine":2,"scenario":` + string(body) + `}`,
			"link: damaged or cut short: payload:1:13: engine: repeats the key of line 1, column 2", true},
		{"case-variant engine", `{"engine":1,"Engine":2,"scenario":` + string(body) + `}`,
			`link: damaged or cut short: payload:1:13: Engine: repeats the key "engine" of line 1, column 2 (keys match regardless of case)`, true},
		{"repeated seed", strings.Replace(good, `"seed":1`, `"seed":1,"seed":7`, 1),
			fmt.Sprintf("link: damaged or cut short: payload:1:%d: scenario.seed: repeats the key of line 1, column %d", seed+9, seed), true},
		{"unknown key", strings.Replace(good, `"engine":1`, `"engine":1,"extra":0`, 1),
			"link: damaged or cut short: payload:1:13: extra: unknown key (known here: engine, scenario, variants, sweep)", true},
	} {
		_, err := Decode(rawLink(t, c.payload), 1)
		require.EqualError(t, err, c.want, c.name)
		assert.Equal(t, c.damaged, errors.Is(err, ErrDamaged), c.name)
	}
}

// A comparison's link carries its variants and opens as one; its limits
// are checked both ways, and a scenario's link may not carry variants.
func TestCompareLinks(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	vs := []variant.Variant{{Name: "first-fit", Policy: "first-fit"},
		{Name: "packer", Policy: "custom", Custom: &sched.CustomSpec{Score: "-blade.free_cores"}}}
	l, err := EncodeCompare(sc, vs, 3)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(l, PrefixCompare))
	d, err := Decode("https://example.org/#"+l, 3)
	require.NoError(t, err)
	require.Equal(t, vs, d.Variants)
	want, _ := scenario.Marshal(sc)
	got, _ := scenario.Marshal(d.Scenario)
	require.Equal(t, string(want), string(got))

	plain, err := Encode(sc, 3)
	require.NoError(t, err)
	d, err = Decode(plain, 3)
	require.NoError(t, err)
	require.Nil(t, d.Variants)

	_, err = EncodeCompare(sc, vs[:1], 3)
	require.ErrorContains(t, err, "variants: a comparison has 2 to 4 variants, got 1")
	hw, err := scenario.Builtin("availability")
	require.NoError(t, err)
	_, err = EncodeCompare(hw, vs, 3)
	require.ErrorContains(t, err, `variants[0].policy: scenario "availability" has no workloads to place`)

	// Made by hand: a comparison of one, and a scenario's link with variants.
	one, err := encode(PrefixCompare, sc, vs[:1], 3)
	require.NoError(t, err)
	_, err = Decode(one, 3)
	require.ErrorContains(t, err, "2 to 4 variants, got 1")
	smuggled, err := encode(Prefix, sc, vs, 3)
	require.NoError(t, err)
	_, err = Decode(smuggled, 3)
	require.ErrorIs(t, err, ErrDamaged)
}

func TestSweepLinks(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	spec := &sweep.Spec{Format: sweep.Format, Name: "policies",
		Scenario: sweep.Source{Builtin: "workload-churn"}, // replaced by the link's own
		Variants: []variant.Variant{{Name: "first-fit", Policy: "first-fit"},
			{Name: "packer", Policy: "custom", Custom: &sched.CustomSpec{Score: "-blade.free_cores"}}},
		Baseline: "packer", Seeds: sweep.Seeds{First: 7, Count: 5}, Ticks: 2000, Figures: []string{"availability"}}
	l, err := EncodeSweep(spec, sc, 3)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(l, PrefixSweep))
	d, err := Decode("https://example.org/#"+l, 3)
	require.NoError(t, err)
	require.NotNil(t, d.Sweep)
	require.Nil(t, d.Variants)
	want, _ := scenario.Marshal(sc)
	got, _ := scenario.Marshal(d.Scenario)
	require.Equal(t, string(want), string(got))
	require.Equal(t, string(want), string(d.Sweep.Scenario.Inline), "the spec's scenario is the link's, inline")
	back := *d.Sweep
	back.Scenario = spec.Scenario
	require.Equal(t, *spec, back)

	// The same sweep (same identity) whichever way its scenario came.
	a, err := sweep.New(spec, sc)
	require.NoError(t, err)
	b, err := sweep.New(d.Sweep, d.Scenario)
	require.NoError(t, err)
	require.Equal(t, a.ID(), b.ID())

	// Scenario and comparison links carry no sweep.
	plain, err := Encode(sc, 3)
	require.NoError(t, err)
	d, err = Decode(plain, 3)
	require.NoError(t, err)
	require.Nil(t, d.Sweep)

	// Refused both ways: what sweep.New refuses.
	bad := *spec
	bad.Seeds.Count = 0
	_, err = EncodeSweep(&bad, sc, 3)
	require.ErrorContains(t, err, "seeds.count: 1 to")
	hw, err := scenario.Builtin("availability")
	require.NoError(t, err)
	_, err = EncodeSweep(spec, hw, 3)
	require.ErrorContains(t, err, `variants[0] (first-fit): policy: scenario "availability" has no workloads to place`)
	body, _ := scenario.Marshal(sc)
	for _, tc := range []struct{ name, payload, text string }{
		{"no sweep", `{"engine":3,"scenario":` + string(body) + `}`, "a sweep's link without its sweep"},
		{"bad spec", `{"engine":3,"scenario":` + string(body) + `,"sweep":{"format":1,"variants":[],"seeds":{"first":1,"count":1},"ticks":10}}`, "variants: 1 to 16 variants, got 0"},
		{"own scenario", `{"engine":3,"scenario":` + string(body) + `,"sweep":{"format":1,"scenario":{"builtin":"standard"},"variants":[{"name":"a"}],"seeds":{"first":1,"count":1},"ticks":10}}`, "names a scenario of its own"},
		{"newer spec", `{"engine":3,"scenario":` + string(body) + `,"sweep":{"format":2}}`, "its sweep is of format 2 and this one reads up to 1"},
		{"unknown field", `{"engine":3,"scenario":` + string(body) + `,"sweep":{"format":1,"variants":[{"name":"a"}],"seeds":{"first":1,"count":1},"ticks":10,"tick":5}}`, "tick"},
	} {
		raw := PrefixSweep + strings.TrimPrefix(rawLink(t, tc.payload), Prefix)
		_, err := Decode(raw, 3)
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.text, tc.name)
	}
	// A sweep inside a scenario's link is refused, not ignored.
	smuggled := rawLink(t, `{"engine":3,"scenario":`+string(body)+`,"sweep":{"format":1}}`)
	_, err = Decode(smuggled, 3)
	require.ErrorIs(t, err, ErrDamaged)
}
