package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"text/template"
	"unicode/utf8"
)

// templateFuncs are the functions of docker's --format templates, with
// docker's names. They take any list a template meets: inspect's objects
// are decoded JSON, whose lists are []any, not []string.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // "<none>", "a&b" as written, as docker's
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(b.String(), "\n"), nil
	},
	"join":  func(list any, sep string) string { return strings.Join(stringsOf(list), sep) },
	"split": strings.Split,
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"title": title,
	"pad": func(s string, before, after int) string {
		return strings.Repeat(" ", before) + s + strings.Repeat(" ", after)
	},
	"truncate": truncate,
	"println":  func(args ...any) string { return fmt.Sprintln(args...) },
}

// stringsOf is list's elements as strings: a []string as it is, any
// other slice or array element by element, anything else as one string.
func stringsOf(list any) []string {
	if s, ok := list.([]string); ok {
		return s
	}
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		if list == nil {
			return nil
		}
		return []string{fmt.Sprint(list)}
	}
	out := make([]string, v.Len())
	for i := range out {
		out[i] = fmt.Sprint(v.Index(i).Interface())
	}
	return out
}

// title upper-cases the first letter of each word.
func title(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = strings.ToUpper(string(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// truncate keeps the first n runes of s.
func truncate(s string, n int) string {
	r := []rune(s)
	if n < 0 || len(r) <= n {
		return s
	}
	return string(r[:n])
}

// ellipsis shortens s to max runes, its last one "…", as docker's tables
// do with long commands.
func ellipsis(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	return string(r[:max-1]) + "…"
}

// listFormat is a --format of a listing command (ps, images, network ls,
// volume ls): "table" (the default columns), "table TEMPLATE" (columns of
// the template, with headers), "json" (one JSON object a line), or a
// template run on each row.
type listFormat struct {
	table bool
	tmpl  *template.Template
}

// parseListFormat parses format; def is the default table's template.
func parseListFormat(format, def string) (listFormat, error) {
	switch {
	case format == "" || format == "table":
		format = "table " + def
	case format == "json":
		format = "{{json .}}"
	}
	f := listFormat{}
	if rest, ok := strings.CutPrefix(format, "table"); ok {
		f.table = true
		format = strings.TrimLeft(rest, " ")
	}
	// Written in a shell, \t and \n arrive as two characters: docker
	// reads them as the tab and newline they mean.
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	tmpl, err := template.New("format").Funcs(templateFuncs).Parse(format)
	if err != nil {
		return f, fmt.Errorf("template parsing error: %w", err)
	}
	f.tmpl = tmpl
	return f, nil
}

// write prints rows: with a header from header (the same type as a row,
// its fields holding the column names) when the format is a table.
func (f listFormat) write(rows []any, header any) error {
	out := io.Writer(os.Stdout)
	var t table
	if f.table {
		t = newTable(10)
		out = t
		if err := f.line(out, header); err != nil {
			return err
		}
	}
	for _, row := range rows {
		if err := f.line(out, row); err != nil {
			return err
		}
	}
	if f.table {
		return t.Flush()
	}
	return nil
}

// line runs the template on v and ends its output with one newline.
func (f listFormat) line(out io.Writer, v any) error {
	var b strings.Builder
	if err := f.tmpl.Execute(&b, v); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	_, err := fmt.Fprintln(out, strings.TrimSuffix(b.String(), "\n"))
	return err
}
