package onnx

import (
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// Decoding a model file without reading it whole: ImportFile walks the
// protobuf fields of the file through a small window and leaves the
// payloads of large initializers (their raw_data) in the file, to be read
// when, and only if, the conversion decodes them. A shapes-only import
// (Options.SkipWeights) then reads little more than the graph's structure;
// an import with weights never holds the file's bytes and their decoded
// values at once.

// region is a byte range of a file.
type region struct{ off, n int64 }

// fileReader reads a model file through a window of recently read bytes.
type fileReader struct {
	r    io.ReaderAt
	size int64 // of the file
	win  []byte
	wOff int64 // file offset of win[0]
	err  error // the first failure to read a payload decoded on demand
}

// fileWindow is the size of the read window; fileInMemory the size of the
// largest initializer read whole while walking the graph.
const (
	fileWindow   = 64 << 10
	fileInMemory = 16 << 10
)

// at returns n bytes (fewer at the end of the file) at offset off, valid
// until the next call.
func (fr *fileReader) at(off int64, n int) ([]byte, error) {
	if off >= fr.wOff && off+int64(n) <= fr.wOff+int64(len(fr.win)) {
		return fr.win[off-fr.wOff:][:n], nil
	}
	buf := fr.win[:cap(fr.win)]
	if want := max(n, int(min(fileWindow, fr.size))); len(buf) < want {
		buf = make([]byte, want)
	}
	k, err := fr.r.ReadAt(buf, off)
	if k == 0 && err != nil {
		return nil, err
	}
	fr.win, fr.wOff = buf[:k], off
	return fr.win[:min(n, k)], nil
}

// load returns a copy of the bytes of region rg.
func (fr *fileReader) load(rg region) ([]byte, error) {
	b, err := fr.at(rg.off, int(rg.n))
	if err == nil && int64(len(b)) < rg.n {
		err = io.ErrUnexpectedEOF
	}
	return append([]byte(nil), b...), err
}

// each walks the fields of the message stored in region rg: fn gets each
// field with its scalar value, and for a length-delimited field the region
// of its payload (f.b is nil: fn loads it if it needs it).
func (fr *fileReader) each(rg region, path string, fn func(f field, payload region) error) error {
	for pos, end := rg.off, rg.off+rg.n; pos < end; {
		hdr, err := fr.at(pos, int(min(20, end-pos))) // a tag and a length or fixed value
		if err != nil {
			return fmt.Errorf("onnx: reading the file at byte %d: %w", pos, err)
		}
		num, typ, k := protowire.ConsumeTag(hdr)
		if k < 0 {
			return formatErr(path, "bad field tag: %s", wireErr(k))
		}
		f, m := field{num: num, typ: typ}, 0
		var payload region
		switch typ {
		case protowire.VarintType:
			f.v, m = protowire.ConsumeVarint(hdr[k:])
		case protowire.Fixed32Type:
			var v uint32
			v, m = protowire.ConsumeFixed32(hdr[k:])
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, m = protowire.ConsumeFixed64(hdr[k:])
		case protowire.BytesType:
			var n uint64
			n, m = protowire.ConsumeVarint(hdr[k:])
			payload = region{off: pos + int64(k+m), n: int64(n)}
			if m >= 0 && n > uint64(end-payload.off) {
				return formatErr(path, "field %d: truncated (the data ends inside a field)", num)
			}
		default:
			return formatErr(path, "field %d has wire type %d (groups are not accepted)", num, typ)
		}
		if m < 0 {
			return formatErr(path, "field %d: %s", num, wireErr(m))
		}
		pos += int64(k+m) + payload.n
		if err := fn(f, payload); err != nil {
			return err
		}
	}
	return nil
}

// fill loads the payload of a length-delimited field.
func (fr *fileReader) fill(f *field, payload region) error {
	if f.typ != protowire.BytesType {
		return nil
	}
	var err error
	if f.b, err = fr.load(payload); err != nil {
		return fmt.Errorf("onnx: reading the file at byte %d: %w", payload.off, err)
	}
	return nil
}

// decodeFile decodes the model in the first size bytes of fr.
func (d *decoder) decodeFile(fr *fileReader, size int64) (*Model, error) {
	m := &Model{Opsets: map[string]int64{}}
	err := fr.each(region{0, size}, "model", func(f field, p region) error {
		switch {
		case f.num == 7 && f.typ == protowire.BytesType:
			g, err := d.fileGraph(fr, p, "graph")
			m.Graph = g
			return err
		case !modelFields(f.num) && f.num != 7:
			return nil
		}
		if err := fr.fill(&f, p); err != nil {
			return err
		}
		return d.modelField(m, f)
	})
	return finishModel(m, err)
}

// fileGraph decodes the top-level graph, leaving large initializers'
// payloads in the file.
func (d *decoder) fileGraph(fr *fileReader, rg region, path string) (*Graph, error) {
	g := &Graph{}
	err := fr.each(rg, path, func(f field, p region) error {
		switch {
		case f.num == 5 && f.typ == protowire.BytesType && p.n > fileInMemory:
			t, err := d.fileTensor(fr, p, fmt.Sprintf("%s.initializer[%d]", path, len(g.Initializers)))
			g.Initializers = append(g.Initializers, t)
			return err
		case !graphFields(f.num):
			return nil
		}
		if err := fr.fill(&f, p); err != nil {
			return err
		}
		return d.graphField(g, f, path, 0)
	})
	return g, err
}

// fileTensor decodes an initializer whose raw_data stays in the file.
func (d *decoder) fileTensor(fr *fileReader, rg region, path string) (*Tensor, error) {
	t := &Tensor{}
	err := fr.each(rg, path, func(f field, p region) error {
		switch {
		case f.num == 9 && f.typ == protowire.BytesType:
			t.rawAt = &fileData{fr: fr, rg: p}
			return nil
		case !tensorFields(f.num):
			return d.tensorField(t, f, path)
		}
		if err := fr.fill(&f, p); err != nil {
			return err
		}
		return d.tensorField(t, f, path)
	})
	if err != nil {
		return t, err
	}
	return t, t.check(path, d.lim)
}

// fileData is a tensor's raw_data left in the model file.
type fileData struct {
	fr *fileReader
	rg region
}

// chunks calls fn with the data in pieces of whole elements of size bytes
// (first: the index of the piece's first element). A read error is kept
// in the reader (ImportFile reports it) and ends the walk.
func (fd *fileData) chunks(size int, fn func(b []byte, first int)) {
	const piece = 1 << 20
	buf := make([]byte, min(fd.rg.n, piece/int64(size)*int64(size)))
	for done := int64(0); done < fd.rg.n; {
		b := buf[:min(int64(len(buf)), fd.rg.n-done)]
		if _, err := fd.fr.r.ReadAt(b, fd.rg.off+done); err != nil {
			if fd.fr.err == nil {
				fd.fr.err = fmt.Errorf("onnx: reading the file at byte %d: %w", fd.rg.off+done, err)
			}
			return
		}
		fn(b, int(done)/size)
		done += int64(len(b))
	}
}
