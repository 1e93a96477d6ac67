//go:build !js

package main

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// limits bound what one client can hold of the server: a connection, the
// time it may take to send a request or to take a response, the size of a
// request's headers. A request's body is never read (only GET and HEAD are
// served); the server discards at most 256 KiB of one within the read
// timeout before it reuses a connection, and otherwise closes it.
type limits struct {
	ReadHeader     time.Duration // to send the request line and headers
	Read           time.Duration // to send a whole request, body included
	Idle           time.Duration // a kept-alive connection may wait for its next request
	Stall          time.Duration // one write of up to writeChunk bytes may block (a client that stopped reading)
	Write          time.Duration // to take a whole response
	MaxHeaderBytes int           // request line and headers; more is answered 431
	MaxConns       int           // open connections; more wait to be accepted
}

// defaultLimits let a slow connection fetch the app (the brotli wasm, 2.5 MB,
// takes about four minutes at 10 kB/s) and cut off a client that takes
// nothing for 30 seconds.
var defaultLimits = limits{
	ReadHeader:     10 * time.Second,
	Read:           30 * time.Second,
	Idle:           60 * time.Second,
	Stall:          30 * time.Second,
	Write:          5 * time.Minute,
	MaxHeaderBytes: 32 << 10,
	MaxConns:       1024,
}

// writeChunk is the most written to a connection under one stall deadline.
const writeChunk = 64 << 10

// server is an http.Server for h within the limits. Listen through
// l.listener to bound the connections.
func (l limits) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           l.bounded(h),
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		// "OPTIONS *" goes to the handler (405) like any other method.
		DisableGeneralOptionsHandler: true,
	}
}

// bounded gives every response a write deadline that moves with progress:
// each chunk of the body must be taken within Stall, and the whole response
// within Write. A client that stops reading is cut off after Stall, one
// that reads slowly keeps its connection while it makes progress.
func (l limits) bounded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dw := &deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: l.Stall}
		if l.Write > 0 {
			dw.end = time.Now().Add(l.Write)
		}
		h.ServeHTTP(dw, r)
	})
}

type deadlineWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
	end   time.Time // zero: no bound on the whole response
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *deadlineWriter) extend() {
	if w.stall <= 0 {
		return
	}
	d := time.Now().Add(w.stall)
	if !w.end.IsZero() && d.After(w.end) {
		d = w.end
	}
	w.rc.SetWriteDeadline(d) // not supported by test recorders: no deadline there
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), writeChunk)
		w.extend()
		m, err := w.ResponseWriter.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// ReadFrom is how http.ServeContent sends a body (io.CopyN). From a
// memReader it writes the shared bytes themselves; from anything else it
// copies through a pooled buffer.
func (w *deadlineWriter) ReadFrom(src io.Reader) (int64, error) {
	if lr, ok := src.(*io.LimitedReader); ok {
		if m, ok := lr.R.(*memReader); ok {
			var total int64
			for lr.N > 0 {
				b := m.next(lr.N)
				if len(b) == 0 {
					break
				}
				lr.N -= int64(len(b))
				n, err := w.Write(b)
				total += int64(n)
				if err != nil {
					return total, err
				}
			}
			return total, nil
		}
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(writerOnly{w}, src, *buf)
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// writerOnly hides ReadFrom, so that io.CopyBuffer uses its buffer.
type writerOnly struct{ io.Writer }

// listener bounds the connections open at once to MaxConns: beyond that,
// Accept waits for one to close (the kernel queues the newcomers).
func (l limits) listener(ln net.Listener) net.Listener {
	if l.MaxConns <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, sem: make(chan struct{}, l.MaxConns), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite lets the server close its side first when it ends a
// connection on an error, so the client reads the response (net/http looks
// for this method).
func (c *limitConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
