package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 12 item 4's class in "cimkit infer --image": a PNG of a few dozen
// bytes can announce 100000 x 100000 pixels, which decoding would allocate
// (10 GB). Its size is now read from the header and checked against the
// input's first.
func TestInferImageBomb(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	// IHDR: 8-byte signature, length, "IHDR", width, height, ...; CRC over
	// type and data.
	binary.BigEndian.PutUint32(data[16:], 100000)
	binary.BigEndian.PutUint32(data[20:], 100000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	bomb := filepath.Join(t.TempDir(), "bomb.png")
	if err := os.WriteFile(bomb, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cimkit("infer", "--model", "lenet5", "--image", bomb)
	if code != 2 || !strings.Contains(errs, "100000x100000 pixels, the input is 32x32") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
