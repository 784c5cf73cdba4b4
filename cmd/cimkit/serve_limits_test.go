//go:build unix

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 12 item 2: the static server against a hostile client, over real
// sockets on 127.0.0.1. Every test bounds its time with deadlines and
// stops its server.

// startServer serves h on a free loopback port with lim until the test
// ends and returns the address.
func startServer(t *testing.T, h http.Handler, lim serveLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, ln, h, lim) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return ln.Addr().String()
}

// shortLimits are limits a test can wait out.
func shortLimits() serveLimits {
	l := defaultLimits
	l.readHeader, l.read, l.write, l.idle = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	return l
}

var client = &http.Client{Timeout: 5 * time.Second}

// A FIFO (or a link to one) in the folder blocked every request for it,
// and the start-up cache warm-up, forever: it is now not found, at once.
func TestServeFIFO(t *testing.T) {
	dir, h := newTestSite(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.js"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.Symlink("pipe.js", filepath.Join(dir, "link.js")); err != nil {
		t.Fatal(err)
	}
	warmed := make(chan struct{})
	go func() { h.warm(); close(warmed) }()
	select {
	case <-warmed:
	case <-time.After(5 * time.Second):
		t.Fatal("warm blocks on the FIFO")
	}
	addr := startServer(t, h, defaultLimits)
	for _, p := range []string{"/pipe.js", "/link.js"} {
		resp, err := client.Get("http://" + addr + p)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET %s: status %d, want 404", p, resp.StatusCode)
		}
	}
}

// rawRequest sends one GET on a fresh connection and returns the
// connection and a reader on it.
func rawRequest(t *testing.T, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return c, bufio.NewReader(c)
}

// closedWithin reports whether the server closes c within d (a read gets
// EOF or a reset rather than the test's deadline).
func closedWithin(c net.Conn, r io.Reader, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, r)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// An idle keep-alive connection was held forever: it is closed after the
// idle timeout.
func TestServeIdleTimeout(t *testing.T) {
	_, h := newTestSite(t)
	addr := startServer(t, h, shortLimits())
	c, br := rawRequest(t, addr, "/index.html")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("status %d, close %v", resp.StatusCode, resp.Close)
	}
	if !closedWithin(c, br, 3*time.Second) {
		t.Error("idle connection still open after 3 s (idle timeout 300 ms)")
	}
}

// A client that sends half a request is dropped after the header timeout.
func TestServeSlowHeaders(t *testing.T) {
	_, h := newTestSite(t)
	addr := startServer(t, h, shortLimits())
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /index.html HTTP/1.1\r\nHost: x\r\n")
	if !closedWithin(c, c, 3*time.Second) {
		t.Error("half a request still held after 3 s (header timeout 300 ms)")
	}
}

// A client that does not read its answer held the connection (and the
// file) forever: the write timeout ends it. 32 MiB is more than loopback
// socket buffers hold, so the server must wait for the reader.
func TestServeSlowReader(t *testing.T) {
	dir, h := newTestSite(t)
	const size = 32 << 20
	big := make([]byte, size)
	rand.Read(big)
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, h, shortLimits())
	c, br := rawRequest(t, addr, "/big.bin")
	time.Sleep(time.Second) // read nothing for three write timeouts
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _ := io.Copy(io.Discard, br)
	if n >= size {
		t.Errorf("a reader that stalled for 1 s still got all %d bytes (write timeout 300 ms)", n)
	}
}

// No more than maxConns connections are served at once: the next waits
// until one closes.
func TestServeConnectionLimit(t *testing.T) {
	_, h := newTestSite(t)
	lim := defaultLimits
	lim.maxConns = 1
	addr := startServer(t, h, lim)
	first, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the server take it
	c, br := rawRequest(t, addr, "/index.html")
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := br.ReadByte(); err == nil {
		t.Fatal("second connection served while the first holds the only slot")
	}
	first.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the first closed: %v", err)
	}
	resp.Body.Close()
}

// Names starting with '.' are never served (--dir . would expose .git),
// nor compressed by the warm-up; every answer, 404s too, carries the
// security headers.
func TestServeDotfilesAndHeaders(t *testing.T) {
	dir, h := newTestSite(t)
	for _, name := range []string{".git/config", ".env", "sub/.secret.js", ".hidden/app.js"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(strings.Repeat("secret ", 100)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h.warm()
	addr := startServer(t, h, defaultLimits)
	for _, p := range []string{"/.git/config", "/.env", "/sub/.secret.js", "/.hidden/app.js", "/.git/", "/%2egit/config"} {
		resp, err := client.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET %s: status %d, want 404", p, resp.StatusCode)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", p)
		}
	}
	for name := range h.cache {
		if hidden(name) {
			t.Errorf("warm compressed %s", name)
		}
	}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q", got)
	}
}

// A file that does not shrink was recompressed at best compression on every
// request and sent gzipped though larger; so was every file once the cache
// was full. Now each file version is compressed at most once, sent gzipped
// only when smaller, and sent as it is when the cache has no room.
func TestServeCompressesOnce(t *testing.T) {
	dir, h := newTestSite(t)
	noise := make([]byte, 256<<10)
	rand.Read(noise)
	if err := os.WriteFile(filepath.Join(dir, "noise.wasm"), noise, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r := get(t, h, "GET", "/noise.wasm", "gzip")
		if r.Header.Get("Content-Encoding") != "" || len(body(t, r)) != len(noise) {
			t.Fatalf("incompressible file sent with encoding %q", r.Header.Get("Content-Encoding"))
		}
	}
	if n := h.compressions.Load(); n != 1 {
		t.Errorf("incompressible file compressed %d times in 3 requests, want 1", n)
	}
	h.maxCache = 100 // smaller than app.js: no room
	for range 3 {
		r := get(t, h, "GET", "/app.js", "gzip")
		if r.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(string(body(t, r)), "console.log") {
			t.Fatal("file beyond the cache sent compressed")
		}
	}
	if n := h.compressions.Load(); n != 1 {
		t.Errorf("%d compressions, want 1: a file beyond the cache is not compressed", n)
	}
}

func TestServeEmptyAddr(t *testing.T) {
	code, _, errs := cimkit("serve", "--dir", t.TempDir(), "--addr", "")
	if code != 2 || !strings.Contains(errs, "--addr is empty") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
