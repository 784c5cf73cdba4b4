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
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"sync"
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
// sent as they are, and the cache never holds more than maxGzipCache bytes.
const (
	maxGzipFile  = 64 << 20
	maxGzipCache = 128 << 20
)

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
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	dir := flags.String("dir", "wasm/web", "folder of the static files")
	if err := parseFlags(flags, args); err != nil {
		return err
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, ln, h)
}

// serveUntil serves on ln until ctx is done, then shuts down gracefully.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// staticHandler serves the files of one folder (never outside it), with
// fixed MIME types, no directory listings, and gzip from an in-memory cache.
type staticHandler struct {
	root *os.Root
	dir  string

	mu    sync.Mutex // guards cache and size
	cache map[string]*gzEntry
	size  int
}

// gzEntry is one compressed file, valid while the file keeps its size and
// modification time. Its own lock makes concurrent requests for a file
// compress it once.
type gzEntry struct {
	mu   sync.Mutex
	mod  time.Time
	size int64
	gz   []byte
}

func newStaticHandler(dir string) (*staticHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, usagef("--dir %s: %v", dir, pathErr(err))
	}
	return &staticHandler{root: root, dir: dir, cache: map[string]*gzEntry{}}, nil
}

// warm compresses every compressible file of the folder ahead of the first
// request (the wasm takes about a second at the best compression).
func (s *staticHandler) warm() {
	_ = fs.WalkDir(s.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible[strings.ToLower(filepath.Ext(p))] {
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
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if compressible[ext] && acceptsGzip(r) && info.Size() <= maxGzipFile {
		w.Header().Add("Vary", "Accept-Encoding")
		if s.servePrecompressed(w, r, rel, info) {
			return
		}
		if gz, err := s.gzipped(rel, f, info); err == nil {
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
	if gzInfo.IsDir() || gzInfo.ModTime().Before(info.ModTime()) {
		return false
	}
	w.Header().Set("Content-Encoding", "gzip")
	http.ServeContent(w, r, rel, info.ModTime(), f)
	return true
}

// open opens rel inside the root; "index.html" of a folder is found by the
// caller's redirect.
func (s *staticHandler) open(rel string) (*os.File, fs.FileInfo, error) {
	if rel == "" {
		rel = "."
	}
	f, err := s.root.Open(rel)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// gzipped returns the file compressed, from the cache when it is current.
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
	if e.gz != nil && e.size == info.Size() && e.mod.Equal(info.ModTime()) {
		return e.gz, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(zw, io.LimitReader(f, maxGzipFile+1)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	gz := buf.Bytes()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.size -= len(e.gz)
	e.gz, e.mod, e.size = nil, info.ModTime(), info.Size()
	if s.size+len(gz) <= maxGzipCache {
		e.gz = gz
		s.size += len(gz)
	}
	return gz, nil
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
