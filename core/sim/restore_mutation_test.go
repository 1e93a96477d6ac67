package sim

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// mutate changes a few bytes of b (the body of a snapshot, or a whole one): bit flips, byte sets and small
// increments keep the framing of one-byte varints, so most mutations reach
// the checks of content rather than of framing; a few truncate, cut or
// repeat a run of bytes.
func mutate(r *rand.Rand, b []byte) []byte {
	out := append([]byte(nil), b...)
	for range 1 + r.IntN(3) {
		if len(out) == 0 {
			break
		}
		i := r.IntN(len(out))
		switch r.IntN(10) {
		case 0, 1, 2:
			out[i] ^= 1 << r.IntN(8)
		case 3, 4:
			out[i] = byte(r.IntN(256))
		case 5, 6:
			out[i] += byte(1 + r.IntN(3))
		case 7:
			out[i] -= byte(1 + r.IntN(3))
		case 8:
			n := min(len(out)-i, 1+r.IntN(16))
			out = append(out[:i], out[i+n:]...)
		case 9:
			n := min(len(out)-i, 1+r.IntN(16))
			out = append(out[:i+n], append(append([]byte(nil), out[i:i+n]...), out[i+n:]...)...)
		}
	}
	return out
}

// TestRestoreMutations: damaged snapshots of every built-in, at tick 0 and
// at tick 150, are refused with an error or restore to a world that runs
// on for 50 ticks; none panics. CC_MUTATIONS sets how many mutations per
// snapshot (default 100, 10 under the race detector or wasm; 55,556 gives
// the million of the note: CC_MUTATIONS=55556 go test -run
// TestRestoreMutations -timeout 3h ./core/sim/).
func TestRestoreMutations(t *testing.T) {
	per := 100
	if testing.Short() || raceEnabled || runtime.GOOS == "js" {
		per = 10
	}
	if s := os.Getenv("CC_MUTATIONS"); s != "" {
		per, _ = strconv.Atoi(s)
	}
	var total, accepted atomic.Int64
	start := time.Now()
	t.Cleanup(func() {
		t.Logf("%d mutated snapshots, %d accepted, in %v", total.Load(), accepted.Load(), time.Since(start).Round(time.Second))
	})
	for _, name := range scenario.Builtins() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, err := scenario.Builtin(name)
			require.NoError(t, err)
			w, err := New(sc)
			require.NoError(t, err)
			var snaps [][]byte
			for _, at := range []clock.Tick{0, 150} {
				require.NoError(t, w.RunTo(at))
				snaps = append(snaps, w.Snapshot())
			}
			for k, snap := range snaps {
				r := rand.New(rand.NewPCG(uint64(len(name)), uint64(k)))
				body := snap[:len(snap)-4]
				for i := range per {
					// Most mutations are sealed again with a good checksum,
					// to reach the checks of content; the rest must be
					// refused by the checksum alone.
					resealed := i%10 != 0
					data := mutate(r, snap)
					if resealed {
						data = seal(mutate(r, body))
					}
					total.Add(1)
					func() {
						defer func() {
							if p := recover(); p != nil {
								dir := filepath.Join(os.TempDir(), "cc-restore-mutations")
								os.MkdirAll(dir, 0o755)
								path := filepath.Join(dir, fmt.Sprintf("%s-%d-%d", name, k, i))
								os.WriteFile(path, data, 0o644)
								t.Fatalf("%s snapshot %d, mutation %d (kept in %s): panic: %v\n%s", name, k, i, path, p, debug.Stack())
							}
						}()
						rw, err := Restore(sc, data)
						if err != nil {
							return
						}
						if !resealed && !bytes.Equal(data, snap) {
							t.Fatalf("%s snapshot %d, mutation %d: a damaged snapshot passed its checksum", name, k, i)
						}
						accepted.Add(1)
						rw.RunTo(rw.Now() + 50)
					}()
				}
			}
		})
	}
}
