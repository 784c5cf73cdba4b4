// Package safename turns text that comes from data (model and layer names,
// ONNX node names, CSV cells) into a file base name that is safe to join to
// an output folder: it cannot climb out of the folder ("..", "/", "\"),
// cannot be hidden or read as a flag (no leading '.' or '-'), holds no
// control characters, and stays short.
//
// Writers should also open their output folder with [os.OpenRoot] so that
// no write lands outside it even through a symbolic link; Base makes the
// names such writes use predictable and portable.
package safename

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// MaxLen is the longest base name Base returns, in bytes.
const MaxLen = 80

// Base returns s when it is already a safe base name: 1 to [MaxLen] bytes
// of ASCII letters, digits, '.', '_', '+' and '-', not starting with '.' or
// '-'. Otherwise it keeps the safe characters (but no dot that follows a
// dot or an unsafe character), replaces each run of others by '_', drops
// leading '.', '-' and '_', shortens the result, and appends
// '-' and 8 hex digits of a hash of s, so that different inputs (say "a/b"
// and "a_b") still get different names. The result is never empty, ".", or
// "..".
func Base(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	gap := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' && (gap || b.Len() == 0 || s[i-1] == '.') {
			gap = true // "/../" and "..": no runs of dots in what is kept
			continue
		}
		if allowed(c) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteByte(c)
			gap = false
			continue
		}
		gap = true
	}
	clean := strings.TrimLeft(b.String(), ".-_")
	const suffix = 9 // "-" and 8 hex digits
	if len(clean) > MaxLen-suffix {
		clean = clean[:MaxLen-suffix]
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	if clean == "" {
		return fmt.Sprintf("_%08x", h.Sum32())
	}
	return fmt.Sprintf("%s-%08x", clean, h.Sum32())
}

// safe reports whether s is already a safe base name.
func safe(s string) bool {
	if s == "" || len(s) > MaxLen || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !allowed(s[i]) {
			return false
		}
	}
	return true
}

func allowed(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '+' || c == '-'
}
