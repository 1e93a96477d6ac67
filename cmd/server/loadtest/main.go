//go:build !js

// Command loadtest measures the static server under load on the loopback. It
// starts the server binary afresh for each measure (so each peak is its
// own), always on 127.0.0.1 with an ephemeral port, and sends it a bounded
// number of requests in a bounded time:
//
//   - at each concurrency (-c), the page (/), app.wasm with Accept-Encoding:
//     br and a small asset (/web/icon.svg) in turn, over kept-alive
//     connections: requests per second, the 99th percentile of the latency
//     (all requests and per kind), errors (transport errors, a status other
//     than 200, a body shorter or longer than its Content-Length);
//   - -stalled clients that ask for app.wasm (brotli) and never read, held
//     for -hold.
//
// For each it prints the server's peak memory: its resident set (VmHWM of
// the server process, from /proc), its Go heap (the largest heap at the
// start or end of a collection, garbage included) and its live heap (the
// largest heap a collection found live), both from GODEBUG=gctrace=1, in
// whole MiB. Figures are printed as
// `BENCH <name> <value> <unit>` lines, as `make bench` expects.
//
// Errors are also told on stderr (the first three of each client).
//
//	loadtest [-server .bin/server] [-web web] [-c 1,50,200] [-n 1500] [-time 8s] [-stalled 200] [-hold 2s] [-v]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// kinds are the requests a client sends, in turn.
var kinds = []struct {
	name, path, accept string
}{
	{"page", "/", "gzip, deflate, br"},
	{"wasm-br", "/web/app.wasm", "br"},
	{"asset", "/web/icon.svg", "gzip, deflate, br"},
}

func main() {
	bin := flag.String("server", ".bin/server", "the server binary")
	web := flag.String("web", "web", "the web directory to serve")
	levels := flag.String("c", "1,50,200", "concurrencies, comma-separated")
	count := flag.Int("n", 1500, "requests at each concurrency, at most")
	limit := flag.Duration("time", 8*time.Second, "time at each concurrency, at most")
	stalled := flag.Int("stalled", 200, "clients that never read (0: none)")
	hold := flag.Duration("hold", 2*time.Second, "how long the stalled clients hold on")
	verbose := flag.Bool("v", false, "say how many requests each measure sent, and in what time")
	flag.Parse()
	log.SetFlags(0)
	say := func(format string, args ...any) {
		if *verbose {
			log.Printf(format, args...)
		}
	}

	for _, field := range strings.Split(*levels, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || c < 1 || c > 1000 {
			log.Fatalf("loadtest: bad concurrency %q", field)
		}
		srv := start(*bin, *web)
		r := load(srv.addr, c, *count, *limit)
		srv.stop()
		name := fmt.Sprintf("serve-c%d", c)
		say("%s: %d requests in %.2fs, %d errors", name, r.done, r.elapsed.Seconds(), r.errors)
		bench(name+"-rps", float64(r.done)/r.elapsed.Seconds(), "req/s")
		bench(name+"-p99", ms(percentile(r.all(), 0.99)), "ms")
		for k, kind := range kinds {
			bench(name+"-p99-"+kind.name, ms(percentile(r.lat[k], 0.99)), "ms")
		}
		bench(name+"-errors", float64(r.errors), "count")
		srv.benchMemory(name)
	}
	if *stalled > 0 {
		srv := start(*bin, *web)
		open := stall(srv.addr, *stalled, *hold)
		srv.stop()
		name := fmt.Sprintf("serve-stalled%d", *stalled)
		say("%s: %d of %d clients still connected after %v", name, open, *stalled, *hold)
		srv.benchMemory(name)
	}
}

func bench(name string, v float64, unit string) {
	prec := 1
	switch {
	case unit == "count":
		prec = 0
	case v != 0 && math.Abs(v) < 10:
		prec = 3
	}
	fmt.Printf("BENCH %s %s %s\n", name, strconv.FormatFloat(v, 'f', prec, 64), unit)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// server is a running server process.
type server struct {
	cmd      *exec.Cmd
	addr     string
	peakRSS  int64        // bytes, read before it stops
	peakHeap atomic.Int64 // bytes, the largest heap at a collection (from gctrace)
	peakLive atomic.Int64 // bytes, the largest heap marked live by a collection
	done     chan struct{}
}

var gcLine = regexp.MustCompile(`: .* (\d+)->(\d+)->(\d+) MB`)

func start(bin, web string) *server {
	s := &server{done: make(chan struct{})}
	s.cmd = exec.Command(bin, "-addr", "127.0.0.1:0", "-web", web)
	s.cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		log.Fatalf("loadtest: starting %s: %v", bin, err)
	}
	addrc := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := gcLine.FindStringSubmatch(line); m != nil {
				for i, v := range m[1:] {
					n, _ := strconv.ParseInt(v, 10, 64)
					peak := &s.peakHeap
					if i == 2 {
						peak = &s.peakLive
					}
					if n<<20 > peak.Load() {
						peak.Store(n << 20)
					}
				}
				continue
			}
			if _, rest, ok := strings.Cut(line, " at http://"); ok && strings.Contains(line, "serving CloudChamber") {
				addrc <- strings.TrimSuffix(rest, "/")
			}
		}
	}()
	select {
	case s.addr = <-addrc:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		log.Fatalf("loadtest: %s did not say where it serves", bin)
	}
	if host, _, _ := net.SplitHostPort(s.addr); !net.ParseIP(host).IsLoopback() {
		s.cmd.Process.Kill()
		log.Fatalf("loadtest: the server listens on %s, not on the loopback", s.addr)
	}
	warm(s.addr)
	return s
}

// warm fetches everything once, and the gzip wasm, which the server makes
// once in the background: the measure starts when that is done.
func warm(addr string) {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	for _, k := range append(kinds[:len(kinds):len(kinds)], struct{ name, path, accept string }{"wasm-gzip", "/web/app.wasm", "gzip"}) {
		if _, err := fetch(client, addr, k.path, k.accept); err != nil {
			log.Fatalf("loadtest: warming up, %s: %v", k.path, err)
		}
	}
}

func (s *server) stop() {
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				s.peakRSS = kb << 10
			}
		}
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-exited
	}
	<-s.done
}

func (s *server) benchMemory(name string) {
	bench(name+"-peak-rss", float64(s.peakRSS)/(1<<20), "MiB")
	bench(name+"-peak-heap", float64(s.peakHeap.Load())/(1<<20), "MiB")
	bench(name+"-peak-live-heap", float64(s.peakLive.Load())/(1<<20), "MiB")
}

// fetch gets one path and reads its body; a status other than 200 or a
// body that does not match its Content-Length is an error.
func fetch(client *http.Client, addr, path, accept string) (int64, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return 0, err
	}
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		return n, err
	}
	if res.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %s", res.Status)
	}
	if res.ContentLength >= 0 && n != res.ContentLength {
		return n, fmt.Errorf("%d bytes of %d", n, res.ContentLength)
	}
	return n, nil
}

type result struct {
	lat     [][]time.Duration // by kind
	done    int
	errors  int
	elapsed time.Duration
}

func (r *result) all() []time.Duration {
	var all []time.Duration
	for _, l := range r.lat {
		all = append(all, l...)
	}
	return all
}

// load sends n requests at most, from c clients, for limit at most.
func load(addr string, c, n int, limit time.Duration) *result {
	transport := &http.Transport{
		DisableCompression:  true,
		MaxIdleConns:        c,
		MaxIdleConnsPerHost: c,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: 30 * time.Second, Transport: transport}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()

	var next atomic.Int64
	var mu sync.Mutex
	r := &result{lat: make([][]time.Duration, len(kinds))}
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			lat := make([][]time.Duration, len(kinds))
			errs := 0
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					break
				}
				k := kinds[i%len(kinds)]
				t0 := time.Now()
				_, err := fetch(client, addr, k.path, k.accept)
				lat[i%len(kinds)] = append(lat[i%len(kinds)], time.Since(t0))
				if err != nil {
					errs++
					if errs <= 3 {
						log.Printf("loadtest: c=%d %s: %v", c, k.path, err)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k := range lat {
				r.lat[k] = append(r.lat[k], lat[k]...)
				r.done += len(lat[k])
			}
			r.errors += errs
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return d[max(i, 0)]
}

// stall opens n connections that each ask for the brotli wasm and never
// read, holds them, and tells how many were still open at the end.
func stall(addr string, n int, hold time.Duration) int {
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			log.Printf("loadtest: stalled client: %v", err)
			break
		}
		conns = append(conns, c)
		if _, err := io.WriteString(c, "GET /web/app.wasm HTTP/1.1\r\nHost: "+addr+"\r\nAccept-Encoding: br\r\n\r\n"); err != nil {
			log.Printf("loadtest: stalled client: %v", err)
		}
	}
	time.Sleep(hold)
	open := 0
	for _, c := range conns { // still open: a read finds data or waits
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [1]byte
		if _, err := c.Read(b[:]); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			open++
		}
	}
	return open
}
