package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// whiteSpaces are what a variable's or a label's name may not hold.
const whiteSpaces = " \t"

// readKVFile reads an --env-file or --label-file as docker does: a line
// is KEY=VALUE, the value kept as written (no quotes removed, no trimming);
// blank lines and lines starting with # are skipped; leading white space
// and a UTF-8 byte-order mark are dropped. A KEY alone is given to
// alone, which returns its line or false to leave it out. A name with
// white space, a line with no name, or bytes that are not UTF-8 are an
// error naming the file and line.
func readKVFile(name string, alone func(key string) (string, bool)) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	scanner := bufio.NewScanner(f)
	for n := 1; scanner.Scan(); n++ {
		b := scanner.Bytes()
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("env file %s contains invalid utf8 bytes at line %d", name, n)
		}
		if n == 1 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		line := strings.TrimLeftFunc(string(b), unicode.IsSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, _, hasValue := strings.Cut(line, "=")
		switch {
		case strings.ContainsAny(key, whiteSpaces):
			return nil, fmt.Errorf("poorly formatted environment: variable '%s' contains whitespaces (%s, line %d)", key, name, n)
		case key == "":
			return nil, fmt.Errorf("poorly formatted environment: no variable name on line '%s' (%s, line %d)", line, name, n)
		case hasValue:
			lines = append(lines, line)
		default:
			if kv, ok := alone(key); ok {
				lines = append(lines, kv)
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return lines, nil
}

// readEnvFiles reads every --env-file, in order: a KEY alone takes our
// value of KEY, and is left out when we have none, as -e K.
func readEnvFiles(names []string) ([]string, error) {
	var env []string
	for _, name := range names {
		lines, err := readKVFile(name, func(key string) (string, bool) {
			v, ok := os.LookupEnv(key)
			return key + "=" + v, ok
		})
		if err != nil {
			return nil, err
		}
		env = append(env, lines...)
	}
	return env, nil
}

// readLabels reads the --label-file files, then the --label flags over
// them, as docker: a file's KEY alone is left out; a flag's is KEY with an
// empty value.
func readLabels(files, flags []string) (map[string]string, error) {
	var specs []string
	for _, name := range files {
		lines, err := readKVFile(name, func(string) (string, bool) { return "", false })
		if err != nil {
			return nil, err
		}
		specs = append(specs, lines...)
	}
	for _, spec := range flags {
		key, _, _ := strings.Cut(spec, "=")
		key = strings.TrimLeft(key, whiteSpaces)
		if key == "" {
			return nil, fmt.Errorf("invalid label '%s': empty name", spec)
		}
		if strings.ContainsAny(key, whiteSpaces) {
			return nil, fmt.Errorf("label '%s' contains whitespaces", key)
		}
		specs = append(specs, spec)
	}
	labels := map[string]string{}
	for _, spec := range specs {
		key, value, _ := strings.Cut(spec, "=")
		labels[strings.TrimLeft(key, whiteSpaces)] = value
	}
	return labels, nil
}
