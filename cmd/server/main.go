//go:build !js

// Command server is CloudChamber's thin static server: it serves the app
// (go-app's pages, the PWA files and the web directory) and nothing else. The
// simulation runs in the browser; the server keeps no state.
//
//	server [-addr 127.0.0.1:8000] [-web web]   serve
//	server -gen DIR [-web web]                 write the site as static files into DIR
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	web := flag.String("web", "web", "web directory: app.wasm, icons, styles")
	gen := flag.String("gen", "", "write the whole site as static files into this directory, then exit")
	flag.Parse()

	s, err := newSite(*web)
	if err != nil {
		log.Fatal(err)
	}
	if *gen != "" {
		if err := generateStatic(*gen, s); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("static site written to %s (version %s)\n", *gen, s.app.Version)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, s, defaultLimits); err != nil {
		log.Fatal(err)
	}
}

// serve listens on addr until ctx ends, within the limits lim, then shuts
// down gracefully: requests in flight get up to five seconds to finish, and
// the connections still open then are closed.
func serve(ctx context.Context, addr string, s *site, lim limits) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := lim.server(s.handler)
	go func() { // before the first visitor asks
		s.web.warm()     // the gzip copies
		executableHash() // the pages' validator
	}()
	log.Printf("serving CloudChamber %s at http://%s/", s.app.Version, ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lim.listener(ln)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("closing the connections still open: %v", err)
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
