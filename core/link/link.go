// Package link turns a scenario (or a comparison: the scenario and its
// variants, "s3." links; or a sweep: the scenario and the sweep's spec,
// "s4." links) into the fragment of a shareable address
// and back: "s2." + base64url(CRC-32C of the payload, 4 bytes big-endian,
// then deflate(payload)), the payload being the canonical JSON of the
// scenario and the engine that made it. The checksum refuses a link
// changed on the way (a character mistyped or lost: one in seven single-bit
// changes of an "s1." link decoded to another scenario without a word);
// the engine makes a link of another engine say so instead of replaying
// differently. Links of the first format, "s1." + base64url(deflate(payload)),
// still open. Encode refuses what Decode would (the same limits).
//
// The same scenario gives the same link within a release; compress/flate
// does not promise the same bytes across Go releases (TOOLCHAIN P19), but
// every release decodes every older link.
package link

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// Prefix starts every link fragment of this format; Prefix1 those of the
// first, which carry no checksum and still open. PrefixCompare starts a
// comparison's link: the same form, its payload also carrying the
// variants; a build from before comparisons says it is from a newer one.
// PrefixSweep starts a sweep's link: the same form, its payload also
// carrying the sweep's spec (its scenario being the payload's).
const (
	Prefix        = "s2."
	Prefix1       = "s1."
	PrefixCompare = "s3."
	PrefixSweep   = "s4."
)

// newest is the newest format this build reads, for messages.
const newest = PrefixSweep

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Limits: a fragment longer than MaxFragment or a payload inflating past
// MaxPayload is refused, so a hostile link cannot exhaust the page.
const (
	MaxFragment = 2 << 20
	MaxPayload  = 16 << 20
	// FileAbove is the length past which the app offers a file instead of
	// a link: some browsers and chat tools cut long addresses.
	FileAbove = 8000
)

// Errors a decode can wrap.
var (
	ErrNotALink    = errors.New("not a CloudChamber scenario link")
	ErrNewerFormat = errors.New("made by a newer CloudChamber")
	ErrDamaged     = errors.New("damaged or cut short")
	ErrTooLarge    = errors.New("too large")
	ErrOtherEngine = errors.New("made by a different simulation engine")
)

// payload is what a link carries.
type payload struct {
	Engine   int               `json:"engine"`
	Scenario json.RawMessage   `json:"scenario"`
	Variants []variant.Variant `json:"variants,omitempty"` // a comparison's (PrefixCompare links only)
	Sweep    json.RawMessage   `json:"sweep,omitempty"`    // a sweep's spec, its scenario {} (PrefixSweep links only)
}

// Encode makes the fragment (without "#") of a scenario, made by engine.
func Encode(sc *scenario.Scenario, engine int) (string, error) {
	return encode(Prefix, sc, nil, engine)
}

// EncodeCompare makes the fragment of a comparison: the scenario every
// variant starts from (with the commands applied to all of them) and the
// variants, in order.
func EncodeCompare(sc *scenario.Scenario, variants []variant.Variant, engine int) (string, error) {
	if err := checkVariants(sc, variants); err != nil {
		return "", fmt.Errorf("link: %w", err)
	}
	return encode(PrefixCompare, sc, variants, engine)
}

// checkVariants refuses what a comparison cannot hold: fewer than two
// variants or more than four, a repeated name, a variant the scenario
// cannot take.
func checkVariants(sc *scenario.Scenario, vs []variant.Variant) error {
	if len(vs) < 2 || len(vs) > 4 {
		return fmt.Errorf("variants: a comparison has 2 to 4 variants, got %d", len(vs))
	}
	if err := variant.CheckNames(vs); err != nil {
		return err
	}
	for i := range vs {
		if _, err := vs[i].Apply(sc); err != nil {
			return fmt.Errorf("variants[%d].%w", i, err)
		}
	}
	return nil
}

// EncodeSweep makes the fragment of a sweep: its spec, run on base (the
// spec's own scenario source is not used; the link carries base). It
// refuses a spec that sweep.New would.
func EncodeSweep(spec *sweep.Spec, base *scenario.Scenario, engine int) (string, error) {
	body, err := scenario.Marshal(base)
	if err != nil {
		return "", err
	}
	check := *spec
	check.Scenario = sweep.Source{Inline: body}
	if _, err := sweep.New(&check, base); err != nil {
		return "", fmt.Errorf("link: sweep: %w", err)
	}
	bare := *spec
	bare.Scenario = sweep.Source{}
	raw, err := json.Marshal(&bare)
	if err != nil {
		return "", err
	}
	return encodePayload(PrefixSweep, payload{Engine: engine, Scenario: body, Sweep: raw})
}

func encode(prefix string, sc *scenario.Scenario, variants []variant.Variant, engine int) (string, error) {
	body, err := scenario.Marshal(sc)
	if err != nil {
		return "", err
	}
	return encodePayload(prefix, payload{Engine: engine, Scenario: body, Variants: variants})
}

func encodePayload(prefix string, p payload) (string, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	if len(data) > MaxPayload {
		return "", fmt.Errorf("link: %w: the scenario is %d bytes, more than a link carries (%d); save it as a file instead", ErrTooLarge, len(data), MaxPayload)
	}
	var buf bytes.Buffer
	buf.Write(binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, castagnoli)))
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		return "", err
	}
	l := prefix + base64.RawURLEncoding.EncodeToString(buf.Bytes())
	if len(l) > MaxFragment {
		return "", fmt.Errorf("link: %w: it would be %d characters, more than a link may have (%d); save it as a file instead", ErrTooLarge, len(l), MaxFragment)
	}
	return l, nil
}

// Decoded is a decoded link.
type Decoded struct {
	Scenario *scenario.Scenario
	Engine   int               // the engine that made it
	Variants []variant.Variant // a comparison's variants (nil for a scenario's link)
	Sweep    *sweep.Spec       // a sweep's spec (nil but for a sweep's link); its scenario is Scenario, inline
}

// Decode reads a link: a whole address, a fragment with or without "#".
// When the link was made by another engine than engine, it returns the
// scenario and an error wrapping ErrOtherEngine, so the caller can offer
// to open it anyway.
func Decode(link string, engine int) (*Decoded, error) {
	frag := link
	if i := strings.IndexByte(frag, '#'); i >= 0 {
		frag = frag[i+1:]
	}
	frag = strings.TrimSpace(frag)
	switch {
	case len(frag) > MaxFragment:
		return nil, fmt.Errorf("link: %w (%d characters, at most %d)", ErrTooLarge, len(frag), MaxFragment)
	case strings.HasPrefix(frag, "s") && !known(frag) && isNewer(frag):
		return nil, fmt.Errorf("link: %w: its format is %q and this one reads up to %q; open it with a newer CloudChamber", ErrNewerFormat, frag[:strings.IndexByte(frag, '.')], strings.TrimSuffix(newest, "."))
	case !known(frag):
		return nil, fmt.Errorf("link: %w (it should start with #%s)", ErrNotALink, Prefix)
	}
	compare := strings.HasPrefix(frag, PrefixCompare)
	isSweep := strings.HasPrefix(frag, PrefixSweep)
	checked := !strings.HasPrefix(frag, Prefix1)
	raw, err := base64.RawURLEncoding.DecodeString(frag[len(Prefix):])
	if err != nil {
		return nil, fmt.Errorf("link: %w: %v", ErrDamaged, err)
	}
	var sum uint32
	if checked {
		if len(raw) < 4 {
			return nil, fmt.Errorf("link: %w: too short", ErrDamaged)
		}
		sum, raw = binary.BigEndian.Uint32(raw), raw[4:]
	}
	in := bytes.NewReader(raw)
	data, err := io.ReadAll(io.LimitReader(flate.NewReader(in), MaxPayload+1))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("link: %w: it ends before its data does (part of it was lost on the way)", ErrDamaged)
	}
	if err != nil {
		return nil, fmt.Errorf("link: %w: %v", ErrDamaged, err)
	}
	if len(data) > MaxPayload {
		return nil, fmt.Errorf("link: %w: it inflates past %d bytes", ErrTooLarge, MaxPayload)
	}
	if in.Len() > 0 {
		return nil, fmt.Errorf("link: %w: %d bytes after the end of its data", ErrDamaged, in.Len())
	}
	if checked && crc32.Checksum(data, castagnoli) != sum {
		return nil, fmt.Errorf("link: %w: its checksum does not match (it was changed or cut on the way)", ErrDamaged)
	}
	var p payload
	if err := strictjson.Decode("payload", data, &p); err != nil {
		return nil, fmt.Errorf("link: %w: %w", ErrDamaged, err)
	}
	if p.Engine < 1 || len(p.Scenario) == 0 {
		return nil, fmt.Errorf("link: %w: no engine or no scenario in it", ErrDamaged)
	}
	if !compare && p.Variants != nil {
		return nil, fmt.Errorf("link: %w: a link with variants in it that is not a comparison's", ErrDamaged)
	}
	if isSweep != (p.Sweep != nil) {
		return nil, fmt.Errorf("link: %w: a sweep's link without its sweep, or another link with one", ErrDamaged)
	}
	sc, err := scenario.Parse("link", p.Scenario)
	if err != nil {
		return nil, err
	}
	if compare {
		if err := checkVariants(sc, p.Variants); err != nil {
			return nil, fmt.Errorf("link: %w", err)
		}
	}
	d := &Decoded{Scenario: sc, Engine: p.Engine, Variants: p.Variants}
	if isSweep {
		if d.Sweep, err = decodeSweep(p.Sweep, p.Scenario, sc); err != nil {
			return nil, err
		}
	}
	if p.Engine != engine {
		return d, fmt.Errorf("link: %w (engine %d; this is engine %d): it may not replay to the same trace", ErrOtherEngine, p.Engine, engine)
	}
	return d, nil
}

// decodeSweep reads a sweep link's spec (raw, its scenario {}) to run on
// sc (whose JSON is body): the spec with body as its inline scenario,
// checked as sweep.New checks it.
func decodeSweep(raw, body json.RawMessage, sc *scenario.Scenario) (*sweep.Spec, error) {
	var head struct {
		Format int `json:"format"`
	}
	if err := strictjson.DecodeKnown("sweep", raw, &head); err != nil {
		return nil, fmt.Errorf("link: %w: %w", ErrDamaged, err)
	}
	if head.Format > sweep.Format {
		return nil, fmt.Errorf("link: %w: its sweep is of format %d and this one reads up to %d; open it with a newer CloudChamber", ErrNewerFormat, head.Format, sweep.Format)
	}
	spec := &sweep.Spec{}
	if err := strictjson.Decode("sweep", raw, spec); err != nil {
		return nil, fmt.Errorf("link: %w: %w", ErrDamaged, err)
	}
	if src := spec.Scenario; src.Builtin != "" || src.File != "" || src.Inline != nil {
		return nil, fmt.Errorf("link: %w: its sweep names a scenario of its own", ErrDamaged)
	}
	spec.Scenario.Inline = body
	if _, err := sweep.New(spec, sc); err != nil {
		return nil, fmt.Errorf("link: sweep: %w", err)
	}
	return spec, nil
}

// known reports whether a fragment is of a format this build reads.
func known(frag string) bool {
	for _, p := range []string{Prefix, Prefix1, PrefixCompare, PrefixSweep} {
		if strings.HasPrefix(frag, p) {
			return true
		}
	}
	return false
}

// isNewer reports whether a fragment looks like a later link format: "sN."
// with N > 4.
func isNewer(frag string) bool {
	dot := strings.IndexByte(frag, '.')
	if dot < 2 || dot > 6 {
		return false
	}
	n := 0
	for _, c := range frag[1:dot] {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n > 4
}
