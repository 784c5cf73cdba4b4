package arch

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestFieldsCoverArch checks that Fields describes every JSON field of
// Arch, once, in struct order, each with a doc sentence and a range or
// choices: a field added to Arch without a line in the table fails here.
func TestFieldsCoverArch(t *testing.T) {
	typ := reflect.TypeFor[Arch]()
	fs := Fields()
	if len(fs) != typ.NumField() {
		t.Fatalf("Fields has %d entries, Arch %d fields", len(fs), typ.NumField())
	}
	for i, f := range fs {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if f.Name != name {
			t.Errorf("Fields()[%d] is %q, Arch's field %d is %q", i, f.Name, i, name)
		}
		if !strings.HasSuffix(f.Doc, ".") || len(f.Doc) < 10 {
			t.Errorf("%s: doc %q is not a sentence", f.Name, f.Doc)
		}
		if f.Choices == nil && f.Min > f.Max {
			t.Errorf("%s: empty range %d..%d", f.Name, f.Min, f.Max)
		}
	}
}

// TestValidateUsesFields sets each numeric field to its bounds (accepted)
// and just outside them (refused, naming the field); a text field to each
// choice and to a value that is not one.
func TestValidateUsesFields(t *testing.T) {
	for _, f := range Fields() {
		set := func(v any) Arch {
			a := Default()
			b, _ := json.Marshal(map[string]any{f.Name: v})
			if err := json.Unmarshal(b, &a); err != nil {
				t.Fatalf("%s = %v: %v", f.Name, v, err)
			}
			return a
		}
		var good, bad []any
		if f.Choices != nil {
			for _, c := range f.Choices {
				good = append(good, c)
			}
			bad = append(bad, "no-such-choice")
		} else {
			good = append(good, f.Min, f.Max)
			bad = append(bad, f.Min-1, f.Max+1)
		}
		for _, v := range good {
			if err := set(v).Validate(); err != nil {
				t.Errorf("%s = %v: %v", f.Name, v, err)
			}
		}
		for _, v := range bad {
			err := set(v).Validate()
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("arch: %s = ", f.Name)) {
				t.Errorf("%s = %v: Validate says %v, want an error naming the field", f.Name, v, err)
			}
		}
	}
}

// TestFieldsIsACopy checks that callers cannot change the table.
func TestFieldsIsACopy(t *testing.T) {
	fs := Fields()
	fs[0].Max = 0
	if Fields()[0].Max == 0 {
		t.Error("Fields returns the table itself")
	}
}
