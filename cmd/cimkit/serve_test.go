package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestSite writes a small playground folder and returns its handler.
func newTestSite(t *testing.T) (string, *staticHandler) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":  "<!doctype html><title>cimkit</title>" + strings.Repeat("<p>cimkit</p>", 20),
		"app.js":      strings.Repeat("console.log('cimkit');\n", 200),
		"cimkit.wasm": "\x00asm\x01\x00\x00\x00" + strings.Repeat("\x00", 4096),
		"sub/a.txt":   "a",
		"blob.bin":    "raw",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "secret"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := newStaticHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, h
}

func get(t *testing.T, h http.Handler, method, target, enc string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if enc != "" {
		req.Header.Set("Accept-Encoding", enc)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) []byte {
	t.Helper()
	rd := io.Reader(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		rd = zr
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServeTypesAndGzip(t *testing.T) {
	dir, h := newTestSite(t)
	cases := []struct {
		target, enc, ctype, encoding, file string
	}{
		{"/", "gzip", "text/html; charset=utf-8", "gzip", "index.html"},
		{"/cimkit.wasm", "gzip, deflate, br", "application/wasm", "gzip", "cimkit.wasm"},
		{"/cimkit.wasm", "", "application/wasm", "", "cimkit.wasm"},
		{"/cimkit.wasm", "gzip;q=0", "application/wasm", "", "cimkit.wasm"},
		{"/app.js", "gzip", "text/javascript; charset=utf-8", "gzip", "app.js"},
		{"/blob.bin", "gzip", "application/octet-stream", "", "blob.bin"},
		{"/sub/a.txt", "gzip", "text/plain; charset=utf-8", "", "sub/a.txt"}, // 1 byte: larger gzipped
	}
	for _, c := range cases {
		r := get(t, h, "GET", c.target, c.enc)
		if r.StatusCode != 200 {
			t.Fatalf("%s: status %d", c.target, r.StatusCode)
		}
		if got := r.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.target, got, c.ctype)
		}
		if got := r.Header.Get("Content-Encoding"); got != c.encoding {
			t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", c.target, c.enc, got, c.encoding)
		}
		want, _ := os.ReadFile(filepath.Join(dir, c.file))
		if got := body(t, r); !bytes.Equal(got, want) {
			t.Errorf("%s: body differs from the file (%d vs %d bytes)", c.target, len(got), len(want))
		}
	}
}

func TestServeGzipCacheFollowsFileChanges(t *testing.T) {
	dir, h := newTestSite(t)
	get(t, h, "GET", "/app.js", "gzip")
	p := filepath.Join(dir, "app.js")
	if err := os.WriteFile(p, []byte("changed();"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if got := string(body(t, get(t, h, "GET", "/app.js", "gzip"))); got != "changed();" {
		t.Fatalf("after a change got %q", got)
	}
}

func TestServeRefuses(t *testing.T) {
	_, h := newTestSite(t)
	cases := []struct {
		method, target string
		status         int
	}{
		{"GET", "/missing.js", 404},
		{"GET", "/../secret", 404},
		{"GET", "/%2e%2e/secret", 404},
		{"POST", "/index.html", 405},
		{"GET", "/sub", 301},
		{"GET", "/sub/", 404}, // no listing, no index.html
	}
	for _, c := range cases {
		if r := get(t, h, c.method, c.target, ""); r.StatusCode != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.target, r.StatusCode, c.status)
		}
	}
	if r := get(t, h, "HEAD", "/index.html", ""); r.StatusCode != 200 || len(body(t, r)) != 0 {
		t.Errorf("HEAD: status %d", r.StatusCode)
	}
}

func TestServeUntilStopsGracefully(t *testing.T) {
	_, h := newTestSite(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, ln, h, defaultLimits) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/cimkit.wasm")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("over TCP: Content-Type %q", ct)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveUntil: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop")
	}
}

func TestServeBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	err := runServe([]string{"--dir", filepath.Join(t.TempDir(), "nope")}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "--dir") {
		t.Errorf("missing dir: %v", err)
	}
	err = runServe([]string{"--dir", t.TempDir(), "--addr", "127.0.0.1:99999"}, &out, &errb)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("bad addr: %v", err)
	}
	if err := runServe([]string{"extra"}, &out, &errb); !errors.As(err, &ue) {
		t.Errorf("extra argument: %v", err)
	}
}

func TestServeWarmFillsCache(t *testing.T) {
	_, h := newTestSite(t)
	h.warm()
	for _, name := range []string{"index.html", "app.js", "cimkit.wasm"} {
		if e := h.cache[name]; e == nil || e.gz == nil {
			t.Errorf("%s not compressed by warm", name)
		}
	}
	if e := h.cache["sub/a.txt"]; e == nil || e.gz != nil || !e.raw {
		t.Errorf("sub/a.txt (1 byte) kept compressed: %+v", e)
	}
	if h.cache["blob.bin"] != nil {
		t.Error("blob.bin compressed, its type is not compressible")
	}
}

func gzipBytes(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestServePrecompressed: a current .gz beside a file is sent as it is; a
// stale one (older than the file) is ignored.
func TestServePrecompressed(t *testing.T) {
	dir, h := newTestSite(t)
	p := filepath.Join(dir, "cimkit.wasm.gz")
	if err := os.WriteFile(p, gzipBytes(t, "precompressed"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	r := get(t, h, "GET", "/cimkit.wasm", "gzip")
	if got := string(body(t, r)); got != "precompressed" || r.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("got %q as %q", got, r.Header.Get("Content-Type"))
	}
	if got := body(t, get(t, h, "GET", "/cimkit.wasm", "")); bytes.Contains(got, []byte("precompressed")) {
		t.Error("the .gz was sent to a client that does not accept gzip")
	}
	earlier := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, earlier, earlier); err != nil {
		t.Fatal(err)
	}
	if got := string(body(t, get(t, h, "GET", "/cimkit.wasm", "gzip"))); got == "precompressed" {
		t.Error("a stale .gz was sent")
	}
}
