// Package link turns a scenario into the fragment of a shareable address
// and back: "s1." + base64url(deflate(canonical JSON)). The payload names
// the engine that made it, so a link made by a different engine says so
// instead of replaying differently without a word.
//
// The same scenario gives the same link within a release; compress/flate
// does not promise the same bytes across Go releases (TOOLCHAIN P19), but
// every release decodes every older link.
package link

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// Prefix starts every link fragment of this format.
const Prefix = "s1."

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
	Engine   int             `json:"engine"`
	Scenario json.RawMessage `json:"scenario"`
}

// Encode makes the fragment (without "#") of a scenario, made by engine.
func Encode(sc *scenario.Scenario, engine int) (string, error) {
	body, err := scenario.Marshal(sc)
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(payload{Engine: engine, Scenario: body})
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		return "", err
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decoded is a decoded link.
type Decoded struct {
	Scenario *scenario.Scenario
	Engine   int // the engine that made it
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
	case strings.HasPrefix(frag, "s") && !strings.HasPrefix(frag, Prefix) && isNewer(frag):
		return nil, fmt.Errorf("link: %w: its format is %q and this one reads %q; open it with a newer CloudChamber", ErrNewerFormat, frag[:strings.IndexByte(frag, '.')], strings.TrimSuffix(Prefix, "."))
	case !strings.HasPrefix(frag, Prefix):
		return nil, fmt.Errorf("link: %w (it should start with #%s)", ErrNotALink, Prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(frag[len(Prefix):])
	if err != nil {
		return nil, fmt.Errorf("link: %w: %v", ErrDamaged, err)
	}
	data, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), MaxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("link: %w: %v", ErrDamaged, err)
	}
	if len(data) > MaxPayload {
		return nil, fmt.Errorf("link: %w: it inflates past %d bytes", ErrTooLarge, MaxPayload)
	}
	var p payload
	if err := strictjson.Decode("payload", data, &p); err != nil {
		return nil, fmt.Errorf("link: %w: %w", ErrDamaged, err)
	}
	if p.Engine < 1 || len(p.Scenario) == 0 {
		return nil, fmt.Errorf("link: %w: no engine or no scenario in it", ErrDamaged)
	}
	sc, err := scenario.Parse("link", p.Scenario)
	if err != nil {
		return nil, err
	}
	d := &Decoded{Scenario: sc, Engine: p.Engine}
	if p.Engine != engine {
		return d, fmt.Errorf("link: %w (engine %d; this is engine %d): it may not replay to the same trace", ErrOtherEngine, p.Engine, engine)
	}
	return d, nil
}

// isNewer reports whether a fragment looks like a later link format: "sN."
// with N > 1.
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
	return n > 1
}
