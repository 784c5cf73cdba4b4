package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestEmitFormats(t *testing.T) {
	header := []string{"name", "n"}
	rows := [][]string{{"a", "1"}, {"long,name", "22"}}
	for _, c := range []struct {
		format   string
		jsonRows any
		want     string
	}{
		{"table", nil, "name       n\na          1\nlong,name  22\n"},
		{"csv", nil, "name,n\na,1\n\"long,name\",22\n"},
		{"json", nil, "[\n  {\n    \"n\": \"1\",\n    \"name\": \"a\"\n  },\n  {\n    \"n\": \"22\",\n    \"name\": \"long,name\"\n  }\n]\n"},
		{"json", []int{1, 22}, "[\n  1,\n  22\n]\n"},
	} {
		var b bytes.Buffer
		if err := emit(&b, c.format, header, rows, c.jsonRows); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s: got\n%q\nwant\n%q", c.format, b.String(), c.want)
		}
	}
}

func TestEmitEmptyJSON(t *testing.T) {
	var b bytes.Buffer
	if err := emit(&b, "json", []string{"x"}, nil, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("empty listing: %q, %v; want []", b.String(), err)
	}
}

func TestEmitErrors(t *testing.T) {
	var ue usageError
	err := emit(&bytes.Buffer{}, "xml", []string{"a"}, nil, nil)
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `"xml"`) || !strings.Contains(err.Error(), "table|csv|json") {
		t.Errorf("unknown format: %v, want a usage error naming it and the accepted ones", err)
	}
	if err := emit(&bytes.Buffer{}, "csv", []string{"a", "b"}, [][]string{{"1"}}, nil); err == nil || errors.As(err, &ue) {
		t.Errorf("short row: %v, want an internal error", err)
	}
	if checkFormat("csv") != nil || checkFormat("table") != nil || checkFormat("json") != nil || checkFormat("") == nil {
		t.Errorf("checkFormat accepts the wrong set")
	}
}
