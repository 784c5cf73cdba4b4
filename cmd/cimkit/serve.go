package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func init() {
	register(command{
		name:    "serve",
		summary: "serve the browser playground (static files, gzip, loopback by default)",
		run:     runServe,
	})
}

// Limits of the static server's gzip cache: files above maxGzipFile are
// sent as they are, and the cache never holds more than maxGzipCache bytes
// (files that no longer fit are sent as they are, never compressed again
// on each request).
const (
	maxGzipFile  = 64 << 20
	maxGzipCache = 128 << 20
)

// serveLimits bound what a client can hold: time to send the request
// headers and the whole request, to receive the response, to keep an idle
// connection open, and how many connections are served at once (more wait
// in the listen queue).
type serveLimits struct {
	readHeader, read, write, idle time.Duration
	maxConns                      int
	maxHeaderBytes                int
}

// defaultLimits are the limits of "cimkit serve": the 4 MB gzipped wasm
// takes 2 minutes at 270 kbit/s.
var defaultLimits = serveLimits{readHeader: 10 * time.Second, read: 30 * time.Second,
	write: 2 * time.Minute, idle: time.Minute, maxConns: 256, maxHeaderBytes: 64 << 10}

// securityHeaders go on every answer. The page runs its own scripts and
// compiles the wasm in Web Workers ('wasm-unsafe-eval'), fetches the wasm
// from the same origin, shows figures as inline SVG (whose style
// attributes need 'unsafe-inline' styles), uses a data: favicon and offers
// downloads from blob: URLs (which CSP does not restrict). It is never to
// be framed, and sends no referrer.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
		"connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	"Referrer-Policy":              "no-referrer",
	"X-Content-Type-Options":       "nosniff",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
}

// contentTypes fixes the MIME types of the playground's files, so that they
// do not depend on the machine's mime.types (browsers refuse to stream-compile
// a wasm module served without application/wasm).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".svg":  "image/svg+xml",
	".json": "application/json",
	".csv":  "text/csv; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".onnx": "application/octet-stream",
}

// compressible lists the extensions worth sending gzipped.
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".wasm": true,
	".svg": true, ".json": true, ".csv": true, ".txt": true, ".onnx": true,
}

func runServe(args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("serve", stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on, host:port (port 0 picks a free port)")
	dir := flags.String("dir", "wasm/web", "folder of the static files (regular files only; names starting with '.' are not served)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if strings.TrimSpace(*addr) == "" {
		return usagef("--addr is empty: want host:port, e.g. 127.0.0.1:8080 (0.0.0.0:8080 for every interface)")
	}
	h, err := newStaticHandler(*dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("--addr %q: %v", *addr, err)
	}
	if !isLoopback(ln.Addr()) {
		fmt.Fprintf(stderr, "cimkit serve: warning: %s is reachable from other machines\n", ln.Addr())
	}
	go h.warm()
	fmt.Fprintf(stdout, "cimkit serve: http://%s/ (serving %s; Ctrl-C stops)\n", ln.Addr(), *dir)
	ctx, stop := interruptContext()
	defer stop()
	return serveUntil(ctx, ln, h, defaultLimits)
}

// serveUntil serves on ln until ctx is done, then shuts down gracefully.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler, lim serveLimits) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: lim.readHeader, ReadTimeout: lim.read,
		WriteTimeout: lim.write, IdleTimeout: lim.idle, MaxHeaderBytes: lim.maxHeaderBytes}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(newLimitListener(ln, lim.maxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("stopping the server: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// limitListener accepts at most n connections at a time: Accept waits
// until one of them closes.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func newLimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// limitConn frees its listener slot once, when it closes.
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

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// staticHandler serves the regular files of one folder (never outside it,
// never a FIFO or device, never a name starting with '.'), with fixed MIME
// types, security headers, no directory listings, and gzip from an
// in-memory cache.
type staticHandler struct {
	root *os.Root
	dir  string

	mu       sync.Mutex // guards cache and size
	cache    map[string]*gzEntry
	size     int64 // bytes held or reserved by the cache
	maxCache int64 // the cache's limit (maxGzipCache)

	compressions atomic.Int64 // files compressed so far (for tests)
}

// gzEntry is one compressed file, valid while the file keeps its size and
// modification time: gz holds it compressed, or raw is set when it is not
// compressed (it does not shrink, or the cache had no room). Its own lock
// makes concurrent requests for a file compress it once.
type gzEntry struct {
	mu   sync.Mutex
	mod  time.Time
	size int64
	gz   []byte
	raw  bool
}

func newStaticHandler(dir string) (*staticHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, usagef("--dir %s: %v", dir, pathErr(err))
	}
	return &staticHandler{root: root, dir: dir, cache: map[string]*gzEntry{}, maxCache: maxGzipCache}, nil
}

// warm compresses every compressible regular file of the folder ahead of
// the first request (the wasm takes about a second at the best
// compression). Hidden folders are skipped.
func (s *staticHandler) warm() {
	_ = fs.WalkDir(s.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case p != "." && hidden(p):
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		case !d.Type().IsRegular() || !compressible[strings.ToLower(filepath.Ext(p))]:
			return nil
		}
		f, info, err := s.open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		if gz, err := s.root.Stat(p + ".gz"); err == nil && !gz.ModTime().Before(info.ModTime()) {
			return nil // served precompressed
		}
		if info.Size() <= maxGzipFile {
			_, _ = s.gzipped(p, f, info)
		}
		return nil
	})
}

// hidden reports whether a slash-separated path has a name starting with
// '.' (".git", ".env"): such files are not served.
func hidden(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

func (s *staticHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	rel := strings.TrimPrefix(name, "/")
	for k, v := range securityHeaders {
		w.Header().Set(k, v)
	}
	f, info, err := s.open(rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	if info.IsDir() {
		http.Redirect(w, r, name+"/", http.StatusMovedPermanently)
		return
	}
	ext := strings.ToLower(filepath.Ext(rel))
	if ct, ok := contentTypes[ext]; ok {
		w.Header().Set("Content-Type", ct)
	} else if ct := mime.TypeByExtension(ext); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Cache-Control", "no-cache")
	if compressible[ext] && acceptsGzip(r) && info.Size() <= maxGzipFile {
		w.Header().Add("Vary", "Accept-Encoding")
		if s.servePrecompressed(w, r, rel, info) {
			return
		}
		if gz, err := s.gzipped(rel, f, info); err == nil && gz != nil {
			w.Header().Set("Content-Encoding", "gzip")
			http.ServeContent(w, r, rel, info.ModTime(), bytes.NewReader(gz))
			return
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			http.Error(w, "read error", http.StatusInternalServerError)
			return
		}
	}
	http.ServeContent(w, r, rel, info.ModTime(), f)
}

// servePrecompressed sends rel+".gz" when it exists and is at least as new
// as rel (as made by "make wasm" with gzip -9, which compresses better than
// compress/gzip). It reports whether it answered.
func (s *staticHandler) servePrecompressed(w http.ResponseWriter, r *http.Request, rel string, info fs.FileInfo) bool {
	f, gzInfo, err := s.open(rel + ".gz")
	if err != nil {
		return false
	}
	defer f.Close()
	if gzInfo.IsDir() || gzInfo.ModTime().Before(info.ModTime()) || gzInfo.Size() >= info.Size() {
		return false
	}
	w.Header().Set("Content-Encoding", "gzip")
	http.ServeContent(w, r, rel, info.ModTime(), f)
	return true
}

// open opens rel inside the root if it is a regular file or a folder and
// no name on its path starts with '.'. A FIFO or device is refused before
// it is opened (opening a FIFO blocks until a writer comes), and the open
// itself does not block should the file have been replaced by one since.
func (s *staticHandler) open(rel string) (*os.File, fs.FileInfo, error) {
	if rel == "" {
		rel = "."
	}
	if rel != "." && hidden(rel) {
		return nil, nil, fs.ErrNotExist
	}
	if st, err := s.root.Stat(rel); err != nil {
		return nil, nil, err
	} else if !servable(st) {
		return nil, nil, fs.ErrNotExist
	}
	f, err := s.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && !servable(info) {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// servable reports whether a file may be served: a regular file or a folder.
func servable(st fs.FileInfo) bool { return st.Mode().IsRegular() || st.IsDir() }

// gzipped returns the file compressed, from the cache when it is current,
// or nil when it is to be sent as it is: compressing does not make it
// smaller, or the cache has no room left for it. Either way a file is
// compressed at most once per version (size and modification time).
func (s *staticHandler) gzipped(rel string, f io.Reader, info fs.FileInfo) ([]byte, error) {
	s.mu.Lock()
	e := s.cache[rel]
	if e == nil {
		e = &gzEntry{}
		s.cache[rel] = e
	}
	s.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.size == info.Size() && e.mod.Equal(info.ModTime()) && (e.gz != nil || e.raw) {
		return e.gz, nil
	}
	s.mu.Lock()
	s.size -= int64(len(e.gz))
	e.gz, e.raw, e.mod, e.size = nil, true, info.ModTime(), info.Size()
	room := s.size+info.Size() <= s.maxCache // compressed, it takes at most the file's size
	if room {
		s.size += info.Size() // reserved while compressing
	}
	s.mu.Unlock()
	if !room {
		return nil, nil
	}
	gz, err := compress(f, info.Size())
	s.compressions.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.size -= info.Size()
	if err != nil || len(gz) >= int(info.Size()) {
		return nil, err
	}
	e.gz, e.raw = gz, false
	s.size += int64(len(gz))
	return gz, nil
}

// compress gzips at most maxGzipFile bytes of f (a file of size bytes) at
// the best compression.
func compress(f io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(size, maxGzipFile)) / 2)
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(zw, io.LimitReader(f, maxGzipFile)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// acceptsGzip reports whether the request allows a gzip-encoded answer.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			return strings.ReplaceAll(params, " ", "") != "q=0"
		}
	}
	return false
}
