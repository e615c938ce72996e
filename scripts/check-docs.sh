#!/usr/bin/env bash
# scripts/check-docs.sh
#
# Fails when a doc says what the code no longer is, in the two ways that
# have happened:
#
#  1. A package's doc.go is stale for its stage. A book section is named as
#     "book 5.4", "book's 4.1", or a list after it ("book 3.2, 3.3",
#     "book 5.1-5.8", a range naming the chapters in between too). In stage
#     S, of book chapter N (final/, past the book, counts as its last
#     chapter):
#     - doc.go names no section of a chapter after N;
#     - when the package's other files name sections of chapter C (the
#       latest up to N), doc.go names a section of chapter C too: a package
#       that chapter 5 grew says so, and does not describe chapters 3 and 4
#       alone;
#     - a package new in a book stage names a section of N, or says
#       "beyond the book".
#  2. A "B8"-style reference, in a Go comment or a Markdown file, to a list
#     of the book's faults that the repository does not hold: say the fact.
#
# One line per finding, FILE:LINE: what; exit status 1 if there is any.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

cd "$REPO"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
mapfile -t all_stages < <(stages)

# The packages' Go files, tests aside, stage by stage in book order.
go_files() {
	local s
	for s in "${all_stages[@]}"; do
		find "$s" -name '*.go' -not -name '*_test.go' -not -path '*/testdata/*' | sort
	done
}

go_files | xargs -r awk -v stages="${all_stages[*]}" '
function chapter_of(stage,   n) {
	if (stage ~ /^ch[0-9]+/) { n = stage; sub(/^ch/, "", n); sub(/[^0-9].*$/, "", n); return n + 0 }
	return last
}
# refs(text): the chapters that the book references in text name, as
# " 3 4 5 " (empty when none), ranges filled in.
function refs(text,   out, m, tok, prev, range, ch, from, c, re) {
	out = ""
	re = "book(\047s)?( sections?)? [0-9]+\\.[0-9]+(( ?(-|–|,|/) ?| and | to )[0-9]+\\.[0-9]+)*"
	while (match(text, re)) {
		m = substr(text, RSTART, RLENGTH); text = substr(text, RSTART + RLENGTH)
		sub(/^book(\047s)?( sections?)? /, "", m)
		prev = 0; range = 0
		while (match(m, /[0-9]+\.[0-9]+|-|–| to /)) {
			tok = substr(m, RSTART, RLENGTH); m = substr(m, RSTART + RLENGTH)
			if (tok !~ /^[0-9]/) { range = 1; continue }
			ch = tok; sub(/\..*/, "", ch); ch += 0
			from = (range && prev) ? prev + 1 : ch
			for (c = from; c <= ch; c++) out = out " " c
			prev = ch; range = 0
		}
	}
	return out == "" ? "" : out " "
}
BEGIN {
	ns = split(stages, order, " ")
	last = 0
	for (i = 1; i <= ns; i++) {
		if (order[i] ~ /^ch[0-9]+/) { c = chapter_of(order[i]); if (c > last) last = c }
		prevstage[order[i]] = (i > 1) ? order[i - 1] : ""
	}
}
FNR == 1 {
	carry = ""
	stage = FILENAME; sub(/\/.*/, "", stage)
	dir = FILENAME; sub(/^[^\/]*/, "", dir); sub(/\/[^\/]*$/, "", dir)
	pkg = stage SUBSEP dir
	hasdir[pkg] = 1
	isdoc = (FILENAME ~ /\/doc\.go$/)
	if (isdoc) { doc[pkg] = FILENAME; docch[pkg] = " " }
}
{
	text = $0
	sub(/^[ \t]*\/\/[ \t]*/, "", text)
	line = carry text
	# "book" at the end of a line: its sections are on the next one.
	carry = (text ~ /book(\047s)?( sections?)?$/) ? "book " : ""
	if (carry != "") sub(/book(\047s)?( sections?)?$/, "", line)
	r = refs(line)
	if (r == "") next
	n = split(r, chs, " ")
	for (i = 1; i <= n; i++) {
		c = chs[i] + 0
		if (isdoc) {
			docch[pkg] = docch[pkg] c " "
			if (c > chapter_of(stage))
				printf "%s:%d: names a section of book chapter %d, which stage %s (chapter %d) has not reached\n", FILENAME, FNR, c, stage, chapter_of(stage)
		} else if (c <= chapter_of(stage) && c > latest[pkg] + 0) {
			latest[pkg] = c; where[pkg] = FILENAME ":" FNR
		}
	}
}
END {
	for (pkg in doc) {
		split(pkg, p, SUBSEP); stage = p[1]; dir = p[2]; n = chapter_of(stage)
		if (latest[pkg] + 0 > 0 && index(docch[pkg], " " latest[pkg] " ") == 0)
			printf "%s:1: names no section of book chapter %d, which the package implements (%s)\n", doc[pkg], latest[pkg], where[pkg]
		prev = prevstage[stage]
		if (stage ~ /^ch[0-9]/ && prev != "" && !((prev SUBSEP dir) in hasdir) && index(docch[pkg], " " n " ") == 0) {
			if (system("grep -qi \"beyond the book\" \"" doc[pkg] "\"") != 0)
				printf "%s:1: the package is new in %s but names no section of book chapter %d (nor says \"beyond the book\")\n", doc[pkg], stage, n
		}
	}
}' | sort >"$out"

# References to the missing list of faults, in Go comments and Markdown.
{
	git ls-files -z -co --exclude-standard -- '*.go' | xargs -0 -r grep -HnE '//.*\bB[0-9]{1,2}\b' || true
	git ls-files -z -co --exclude-standard -- '*.md' | xargs -0 -r grep -HnE '\bB[0-9]{1,2}\b' || true
} | cut -d: -f1,2 | sort -u | sed 's/$/: cites a list of faults that the repository does not hold: say what breaks instead/' \
	>>"$out"

cat "$out"
[ ! -s "$out" ]
