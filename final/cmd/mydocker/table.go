package main

import (
	"bufio"
	"os"
	"text/tabwriter"
)

// table is the tables' writer (ps, images, network ls, volume ls, top):
// a tabwriter over a buffered stdout. tabwriter writes each cell and each
// padding on its own, one system call each when unbuffered: ps with 1,000
// containers made 14,000 of them.
type table struct {
	*tabwriter.Writer
	out *bufio.Writer
}

// newTable is a table whose columns are at least minwidth wide, three
// spaces apart, as docker's.
func newTable(minwidth int) table {
	out := bufio.NewWriter(os.Stdout)
	return table{tabwriter.NewWriter(out, minwidth, 1, 3, ' ', 0), out}
}

// Flush writes the table out.
func (t table) Flush() error {
	if err := t.Writer.Flush(); err != nil {
		return err
	}
	return t.out.Flush()
}
