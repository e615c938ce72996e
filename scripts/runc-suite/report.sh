# shellcheck shell=bash
# The closing report of scripts/runc-suite.sh: counts and times per
# runtime, mydocker-runc's failures grouped by the error it printed, and
# the failures that known-failures.txt does not list, which fail the run.
# Everything is read from the results: RESULTS/RT/FILE.tap, and
# FILE.meta ("SECONDS EXIT-STATUS LEFTOVERS"), so that the report of
# files run one at a time (each under the lock) is the same as of one
# run (--report-only). Sourced by scripts/runc-suite.sh.

# results RT FILE prints the file's tests, "FILE.bats: NAME<TAB>ok|fail|skip";
# a file that died before it reported a failure is one failure.
results() {
	local tap="$RESULTS/$1/$2.tap" rc
	[ -f "$tap" ] || return 0
	awk -v f="$2.bats" '
		function name(line) { sub(/^(not )?ok [0-9]+ /, "", line); sub(/ # (skip|timeout).*$/, "", line); sub(/ in [0-9]+ms$/, "", line); sub(/ +$/, "", line); return f ": " line }
		/^ok [0-9]+ .* # skip/ { print name($0) "\tskip"; next }
		/^ok [0-9]+ / { print name($0) "\tok"; next }
		/^not ok [0-9]+ / { print name($0) "\tfail" }
	' "$tap"
	read -r _ rc _ <"$RESULTS/$1/$2.meta"
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$tap"; then
		printf '%s.bats: (the whole file, exit %s)\tfail\n' "$2" "$rc"
	fi
}

# count STATUS: how many of the results on stdin have STATUS.
count() { awk -F'\t' -v s="$1" '$2 == s { n++ } END { print n + 0 }'; }

# file_line RT FILE: the file's counts, time and leftovers, one line.
file_line() {
	local r secs left
	r=$(results "$1" "$2")
	read -r secs _ left <"$RESULTS/$1/$2.meta"
	printf '  %-28s %3d ok %3d failed %3d skipped %4ds%s\n' "$2.bats" "$(count ok <<<"$r")" "$(count fail <<<"$r")" \
		"$(count skip <<<"$r")" "$secs" "${left:+; left $left, removed}"
}

# file_secs RT FILE: the seconds the file took.
file_secs() { local secs=0; [ -f "$RESULTS/$1/$2.meta" ] && read -r secs _ <"$RESULTS/$1/$2.meta"; echo "$secs"; }

# known_names prints the tests known-failures.txt lists, "FILE.bats: NAME"
# (a test's name has no "#": what follows it is the reason). A reason
# that starts "[cgroup v2]" holds on a cgroup v2 host only (the VM of
# scripts/test.sh), one that starts "[cgroup v1]" on a v1 or hybrid one
# only: elsewhere the test must pass.
known_names() {
	local other='[cgroup v2]'
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && other='[cgroup v1]'
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$KNOWN" | grep -vF "# $other" | sed 's/[[:space:]]*#.*$//'
}

# failure_reason TAP NAME prints the first error the runtime printed in
# the test's output (mydocker-runc's "mydocker-runc: ...", runc's
# level=error), else the assertion that failed.
failure_reason() {
	awk -v name="$2" '
		/^(not )?ok [0-9]+ / { inblock = 0 }
		/^not ok [0-9]+ / { t = $0; sub(/^not ok [0-9]+ /, "", t); sub(/ # timeout.*$/, "", t); sub(/ in [0-9]+ms$/, "", t); sub(/ +$/, "", t); inblock = (t == name); next }
		!inblock { next }
		!err && (/mydocker-runc: / || /level=error/ || /^# (runc|crun): /) { err = $0 }
		!assert && /^#   `/ { assert = $0 }
		/timed out after/ && !err { err = $0 }
		END { r = err ? err : assert; print r ? r : "no error printed" }
	' "$1" | tr '\t' ' ' | sed -e 's/^# *//' -e 's/.*msg="\(.*\)"$/\1/' -e 's/^time="[^"]*" level=error msg=//' |
		sed -E -e 's#/tmp/runc-suite\.[^ :"]*#TMP#g' -e 's/[0-9]{3,}/N/g' | cut -c1-150
}

# reasons RT prints each failed test's reason, "REASON<TAB>FILE.bats: NAME".
reasons() {
	local rt=$1 line name f
	while IFS=$'\t' read -r line _; do
		f=${line%%.bats: *}
		name=${line#*.bats: }
		printf '%s\t%s\n' "$(failure_reason "$RESULTS/$rt/$f.tap" "$name")" "$line"
	done < <(awk -F'\t' '$2 == "fail"' "$RESULTS/$rt/all.txt")
}

report() {
	local rt new fixed total sub all f left missing
	echo
	echo "runc $RUNC_VERSION integration tests (${#FILES[@]} files): passed / failed / skipped, time (the files' own)"
	for rt in "${RUNTIMES[@]}"; do
		all=0 left=0 missing=0
		mkdir -p "$RESULTS/$rt"
		# Written aside and renamed: runs of other files may report at
		# the same time.
		: >"$RESULTS/$rt/all.txt.$$"
		for f in "${FILES[@]}"; do
			[ -f "$RESULTS/$rt/$f.meta" ] || { missing=$((missing + 1)); continue; }
			results "$rt" "$f" >>"$RESULTS/$rt/all.txt.$$"
			all=$((all + $(file_secs "$rt" "$f")))
			[ "$(wc -w <"$RESULTS/$rt/$f.meta")" -le 2 ] || left=$((left + 1))
		done
		mv "$RESULTS/$rt/all.txt.$$" "$RESULTS/$rt/all.txt"
		printf '  %-14s %4d passed %4d failed %4d skipped  %5ds  (%s)%s%s\n' "$rt" "$(count ok <"$RESULTS/$rt/all.txt")" \
			"$(count fail <"$RESULTS/$rt/all.txt")" "$(count skip <"$RESULTS/$rt/all.txt")" "$all" \
			"$("${BIN[$rt]}" --version 2>/dev/null | head -n1)" \
			"$([ "$left" = 0 ] || echo "; $left files left containers, mounts, cgroups or processes, removed")" \
			"$([ "$missing" = 0 ] || echo "; $missing files not run")"
		reasons "$rt" >"$RESULTS/$rt/reasons.txt.$$" && mv "$RESULTS/$rt/reasons.txt.$$" "$RESULTS/$rt/reasons.txt"
	done
	# What the subset costs, read off a run of every file.
	if [ -z "$SUBSET" ] && [ ${#ONLY[@]} -eq 0 ]; then
		for rt in "${RUNTIMES[@]}"; do
			sub=0 all=0
			for f in "${FILES[@]}"; do
				all=$((all + $(file_secs "$rt" "$f")))
				grep -qx "$f.bats" "$REPO/scripts/runc-suite/subset.txt" && sub=$((sub + $(file_secs "$rt" "$f")))
			done
			echo "  $rt: --subset's files took ${sub}s of ${all}s"
		done
	fi
	[[ " ${RUNTIMES[*]} " == *" mydocker-runc "* ]] || return 0

	echo
	echo "mydocker-runc's failures by reason (each test's in $RESULTS/mydocker-runc/reasons.txt):"
	cut -f1 "$RESULTS/mydocker-runc/reasons.txt" | sort | uniq -c | sort -rn | head -n 25 | sed 's/^/  /'

	new=$(awk -F'\t' '$2 == "fail" { print $1 }' "$RESULTS/mydocker-runc/all.txt" | grep -vxF -f <(known_names) || true)
	fixed=$(awk -F'\t' '$2 == "ok" { print $1 }' "$RESULTS/mydocker-runc/all.txt" | grep -xF -f <(known_names) || true)
	if [ -n "$fixed" ]; then
		echo
		echo "listed in $(basename "$KNOWN") but passed now (take them off the list):"
		echo "$fixed" | sed 's/^/  /'
	fi
	if [ -n "$new" ]; then
		echo
		echo "NEW failures of mydocker-runc (not in scripts/runc-suite/known-failures.txt):"
		while IFS= read -r f; do
			printf '  %s\n      %s\n' "$f" "$(awk -F'\t' -v t="$f" '$2 == t { print $1; exit }' "$RESULTS/mydocker-runc/reasons.txt")"
		done <<<"$new"
		total=$(echo "$new" | wc -l)
		die "mydocker-runc: $total new failures in runc's suite"
	fi
}
