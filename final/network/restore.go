package network

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// A network's rules are made and removed in one iptables-restore. Chapter
// 6 runs an iptables command per check and per change: some 38 processes
// to create a network, 60 to remove it, each of which reads and writes a
// whole table. One iptables-save tells what is there (ensure.go); one
// iptables-restore --noflush makes the difference, each table's commands
// at once (its COMMIT) or not at all. On a slow machine (the cgroup v2
// VM, under emulation) the processes were most of a run's cost.

// batch is the input of one iptables-restore: per table, its commands.
type batch struct {
	tables []string            // in the order first used
	lines  map[string][]string // per table
	bad    error               // a word that restore could not read as one
}

// add appends a command (its words: "-A", chain, the rule) to table's.
func (b *batch) add(table string, words ...string) {
	for _, w := range words {
		// restore splits a line at blanks and reads quotes: a word with
		// either would become other words. Ours have neither.
		if w == "" || strings.ContainsAny(w, " \t\r\n\"'") {
			b.bad = fmt.Errorf("iptables: %q cannot be passed to iptables-restore", w)
		}
	}
	if b.lines == nil {
		b.lines = map[string][]string{}
	}
	if _, ok := b.lines[table]; !ok {
		b.tables = append(b.tables, table)
	}
	b.lines[table] = append(b.lines[table], strings.Join(words, " "))
}

// input is what restore reads: each table, its commands, COMMIT.
func (b *batch) input() string {
	var in strings.Builder
	for _, t := range b.tables {
		fmt.Fprintf(&in, "*%s\n", t)
		for _, l := range b.lines[t] {
			in.WriteString(l + "\n")
		}
		in.WriteString("COMMIT\n")
	}
	return in.String()
}

// apply runs iptables-restore on the batch, when it holds anything.
// --noflush keeps every other rule of the tables; --wait queues behind
// another iptables (docker's, firewalld's) instead of failing.
func (b *batch) apply() error {
	if b.bad != nil {
		return b.bad
	}
	if len(b.tables) == 0 {
		return nil
	}
	path, err := exec.LookPath("iptables-restore")
	if err != nil {
		return fmt.Errorf("iptables-restore: %w (install the iptables package)", err)
	}
	cmd := exec.Command(path, "--noflush", "--wait")
	cmd.Stdin = strings.NewReader(b.input())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("iptables-restore: %w: %s", err, firstLine(stderr.String()))
	}
	return nil
}

// iptablesInstalled tells whether the commands that make and remove a
// network's rules are on PATH, without running any.
func iptablesInstalled() error {
	for _, name := range []string{"iptables", "iptables-save", "iptables-restore"} {
		if _, err := exec.LookPath(name); err != nil {
			return fmt.Errorf("iptables: %w (install the iptables package)", err)
		}
	}
	return nil
}

// firstLine is the first line of a command's stderr: the one that says
// what went wrong.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// deleteAll adds a -D for each copy of rule that save shows in table's
// chain: a rule made twice (a race of two roots) goes too.
func (b *batch) deleteAll(save savedRules, table, chain string, rule []string) {
	for at := save.find(table, chain, rule, 0); at >= 0; at = save.find(table, chain, rule, at+1) {
		b.add(table, append([]string{"-D", chain}, rule...)...)
	}
}

// syncRules makes our chains, their jumps and n's rules, in networkRules'
// order, where they are not all there; a network's create, and its run's
// ensure (ensure.go), after a reboot, an iptables -F or an older
// mydocker. n's rules that are there are deleted and appended again:
// appending only the missing one could put it after its chain's DROP,
// where it would never match.
func syncRules(n *Network) error {
	save, err := iptablesSave()
	if err != nil {
		return err
	}
	if save.inPlace(n) {
		return nil
	}
	var b batch
	for _, c := range ourChains {
		if !save.hasChain(c.table, c.chain) {
			b.add(c.table, "-N", c.chain)
		}
	}
	for _, j := range jumps {
		if save.find(j.table, j.chain, j.rule, 0) < 0 {
			// First in the built-in chain: see jumps.
			b.add(j.table, append([]string{"-I", j.chain, "1"}, j.rule...)...)
		}
	}
	for _, r := range append(legacyRules(n), networkRules(n)...) {
		b.deleteAll(save, r.table, r.chain, r.rule)
	}
	for _, r := range networkRules(n) {
		b.add(r.table, append([]string{"-A", r.chain}, r.rule...)...)
	}
	return b.apply()
}

// deleteNetworkRules removes every rule of n, of this mydocker and of
// older ones (legacyRules).
func deleteNetworkRules(n *Network) error {
	save, err := iptablesSave()
	if err != nil {
		return err
	}
	var b batch
	for _, r := range append(networkRules(n), legacyRules(n)...) {
		b.deleteAll(save, r.table, r.chain, r.rule)
	}
	return b.apply()
}

// removeChainsIfUnused removes the jumps and our chains, once no network
// of any state root has a rule in them: another root's networks (a
// test's, next to the user's) share them, under another lock. When one
// puts a rule in between the look and the removal, that table's COMMIT
// fails as a whole (-X refuses a chain in use) and its chains stay; a
// jump removed in another table under such a network is made again by its
// next run (syncRules).
func removeChainsIfUnused() error {
	save, err := iptablesSave()
	if err != nil {
		return err
	}
	if save.ourChainsInUse() {
		return nil
	}
	var b batch
	for _, j := range jumps {
		b.deleteAll(save, j.table, j.chain, j.rule)
	}
	// chainFwd before chainIso, which it jumped to (ourChains' order).
	for _, c := range ourChains {
		if save.hasChain(c.table, c.chain) {
			b.add(c.table, "-X", c.chain)
		}
	}
	err = b.apply()
	if err == nil {
		return nil
	}
	if now, serr := iptablesSave(); serr == nil && now.ourChainsInUse() {
		return nil // in use after all
	}
	return err
}
