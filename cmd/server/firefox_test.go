//go:build e2e && !js

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/stretchr/testify/require"
)

// firefoxStep is one line drive.mjs prints: what the page showed after a
// step ("link", "run", "reload"), or at the end ("done") its console errors.
type firefoxStep struct {
	Step   string   `json:"step"`
	Tick   int      `json:"tick"`
	Hash   string   `json:"hash"`
	Errors []string `json:"errors"`
}

// hashCase is a share link opened in a fresh profile, then run to a tick:
// the hashes it must show, computed natively.
type hashCase struct {
	name    string
	frag    string // the link's fragment, "#s2.…"
	at      int    // the link's tick
	runTo   int
	atHash  string // the trace hash at the link's tick
	runHash string // and at runTo
}

// The same share links, run to the same ticks, give the same trace hashes
// in Firefox (Debian's firefox-esr over WebDriver BiDi, driven by
// firefox/drive.mjs) as natively and in Chromium, and a reload in Firefox
// resumes the session. The links are ccsim's golden link (blade-failure at
// tick 0, run to 2000: the pinned hash of core/sim) and one made here from
// it with a user's fault at tick 40, opened at tick 120.
func TestFirefoxSameHash(t *testing.T) {
	cases := firefoxCases(t)
	srv := startServer(t, realSite(t).handler)

	// Firefox and Chromium run side by side: each case in its own process
	// and profile for Firefox, its own browser context for Chromium.
	type ffResult struct {
		steps []firefoxStep
		err   error
	}
	ff := make([]chan ffResult, len(cases))
	for i, c := range cases {
		ff[i] = make(chan ffResult, 1)
		go func() {
			steps, err := runFirefox(srv.URL+"/"+c.frag, c.runTo)
			ff[i] <- ffResult{steps, err}
		}()
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPage(t)
			p.openLink(t, srv.URL, c.frag, clock.Tick(c.at))
			require.Equal(t, c.atHash, p.hash(t), "Chromium: the hash at the link's tick")
			p.runTo(t, strconv.Itoa(c.runTo))
			require.Equal(t, c.runHash, p.hash(t), "Chromium: the hash at tick %d", c.runTo)

			r := <-ff[i]
			require.NoError(t, r.err)
			want := []firefoxStep{
				{Step: "link", Tick: c.at, Hash: c.atHash},
				{Step: "run", Tick: c.runTo, Hash: c.runHash},
				{Step: "reload", Tick: c.runTo, Hash: c.runHash},
				{Step: "done"},
			}
			require.Len(t, r.steps, len(want), "Firefox's steps: %+v", r.steps)
			require.Empty(t, r.steps[3].Errors, "Firefox's console errors")
			r.steps[3].Errors = nil
			require.Equal(t, want, r.steps, "Firefox (link at tick %d, run to %d, reload) against the native hashes", c.at, c.runTo)
		})
	}
}

// firefoxCases are the links with their native hashes: each link decoded
// and replayed natively, then run on.
func firefoxCases(t *testing.T) []hashCase {
	t.Helper()
	golden, err := os.ReadFile(filepath.Join("..", "ccsim", "testdata", "link-blade-failure.txt"))
	require.NoError(t, err)
	goldenFrag := strings.TrimSpace(string(golden))
	d, err := link.Decode(goldenFrag, sim.EngineVersion)
	require.NoError(t, err)
	withFault := d.Scenario.Clone()
	withFault.Commands = []scenario.Timed{{At: 40, Command: scenario.Command{Do: scenario.FaultBlade, Target: "standard/standard/rack2/blade/5"}}}
	withFault.At = 40 // the fault given at 40, then run on to 120
	faultFrag, _ := nativeLink(t, withFault, 120)

	cases := []hashCase{
		{name: "golden-link", frag: goldenFrag, at: 0, runTo: 2000},
		{name: "link-with-a-fault", frag: faultFrag, at: 120, runTo: 300},
	}
	for i, c := range cases {
		d, err := link.Decode(c.frag, sim.EngineVersion)
		require.NoError(t, err)
		w, err := sim.New(d.Scenario)
		require.NoError(t, err)
		require.Equal(t, clock.Tick(c.at), w.Now(), c.name)
		cases[i].atHash = w.Status().Hash
		require.NoError(t, w.RunUntil(clock.Tick(c.runTo)))
		cases[i].runHash = w.Status().Hash
	}
	require.Equal(t, pinnedHash(t, "builtin blade-failure t=2000"), cases[0].runHash, "the golden link run natively to 2000 gives core/sim's pinned hash")
	return cases
}

// pinnedHash is the hash core/sim pins for a run ("builtin NAME t=TICK").
func pinnedHash(t *testing.T, run string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "core", "sim", "testdata", "pinned-hashes.txt"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, run+" "); ok {
			return h
		}
	}
	t.Fatalf("no pinned hash for %q", run)
	return ""
}

// firefoxTimeout bounds one Firefox run (launch, link, run, reload), on a
// busy machine.
const firefoxTimeout = 5 * time.Minute

// runFirefox opens url in Firefox, runs to tick runTo and reloads
// (firefox/drive.mjs), and returns the steps it printed; an error says
// what did not happen, with the script's message.
func runFirefox(url string, runTo int) ([]firefoxStep, error) {
	dir := "firefox"
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "puppeteer-core")); err != nil {
		return nil, fmt.Errorf("puppeteer-core is not installed in cmd/server/firefox (run `make deps`, which runs npm ci there): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), firefoxTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "drive.mjs", url, strconv.Itoa(runTo))
	cmd.Dir = dir
	// Node and the Firefox it starts are one process group, ended together
	// when the time is up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("Firefox did not finish in %v", firefoxTimeout)
	}
	var steps []firefoxStep
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var s firefoxStep
		if json.Unmarshal(sc.Bytes(), &s) == nil && s.Step != "" {
			steps = append(steps, s)
		}
	}
	if err != nil {
		return steps, fmt.Errorf("%v after steps %+v; stderr: %s", err, steps, strings.TrimSpace(stderr.String()))
	}
	return steps, nil
}
