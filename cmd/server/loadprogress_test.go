//go:build e2e && !js

package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// recordLoaderLabel keeps every text go-app's loader label shows, in order,
// in window.ccLoaderLabels (installed before the page's own scripts run).
const recordLoaderLabel = `(() => {
	window.ccLoaderLabels = [];
	new MutationObserver(() => {
		const l = document.getElementById("app-wasm-loader-label");
		const s = l && l.innerText;
		if (s && s !== window.ccLoaderLabels[window.ccLoaderLabels.length - 1]) window.ccLoaderLabels.push(s);
	}).observe(document, {subtree: true, childList: true, characterData: true});
})()`

// slowly sends what h writes in pieces of chunk bytes, one every gap: a
// slow connection, so a load takes long enough to watch.
func slowly(h http.Handler, chunk int, gap time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&slowWriter{ResponseWriter: w, chunk: chunk, gap: gap}, r)
	})
}

type slowWriter struct {
	http.ResponseWriter
	chunk int
	gap   time.Duration
}

func (w *slowWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(w.chunk, len(b))
		m, err := w.ResponseWriter.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		b = b[k:]
		time.Sleep(w.gap)
	}
	return n, nil
}

// TestFirstLoadShowsProgress loads the page over a slow connection (the
// brotli app.wasm, 2.4 MB, in 128 KiB pieces 40 ms apart: under a second)
// and checks go-app's loader counted it: "Loading CloudChamber N%" from 0
// up to 100 through values in between, never going back.
func TestFirstLoadShowsProgress(t *testing.T) {
	s := realSite(t)
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/app.wasm") {
			slowly(s.handler, 128<<10, 40*time.Millisecond).ServeHTTP(w, r)
			return
		}
		s.handler.ServeHTTP(w, r)
	}))
	p := newPage(t)
	_, err := chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: recordLoaderLabel})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	var labels []string
	p.until(t, "the app ready", `document.querySelector('[data-testid="shell"][data-ready="true"]') !== null`)
	labels, err = chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`window.ccLoaderLabels`))
	require.NoError(t, err)
	t.Logf("loader labels: %q", labels)

	label := regexp.MustCompile(`^Loading CloudChamber (\d+)%$`)
	var seen []int
	for _, l := range labels {
		m := label.FindStringSubmatch(l)
		require.NotNil(t, m, "a loader label that is not progress: %q", l)
		n, _ := strconv.Atoi(m[1])
		seen = append(seen, n)
	}
	require.NotEmpty(t, seen)
	require.Equal(t, 0, seen[0], "starts at 0%%: %v", seen)
	require.Equal(t, 100, seen[len(seen)-1], "ends at 100%%: %v", seen)
	between := 0
	for i, n := range seen {
		if i > 0 {
			require.GreaterOrEqual(t, n, seen[i-1], "progress went back: %v", seen)
		}
		if n > 0 && n < 100 {
			between++
		}
	}
	require.GreaterOrEqual(t, between, 5, "too few steps between 0%% and 100%%: %v", seen)
	require.Empty(t, p.errors())
}
