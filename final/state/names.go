package state

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
)

// NewID returns a container ID: 64 random hex digits, as docker's, of
// which ps shows 12. It names the container's directory and cgroup.
func NewID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// IsID reports whether id has the shape that NewID gives. An ID read back
// from disk names a cgroup to remove: a damaged one must not.
func IsID(id string) bool {
	b, err := hex.DecodeString(id)
	return err == nil && len(b) == 32
}

var (
	adjectives = []string{"brave", "calm", "eager", "fond", "gentle", "happy", "keen", "lucky", "merry", "nimble", "proud", "quiet", "rapid", "sunny", "tidy", "witty"}
	nouns      = []string{"bird", "cat", "deer", "eagle", "fox", "goat", "hare", "ibis", "koala", "lynx", "mole", "newt", "otter", "panda", "seal", "wolf"}
)

// randomName makes up a name such as "merry_otter"; after a few tries that
// were taken, it adds digits.
func randomName(try int) string {
	name := pick(adjectives) + "_" + pick(nouns)
	if try > 5 {
		name += fmt.Sprintf("_%d", pickN(10000))
	}
	return name
}

func pick(words []string) string { return words[pickN(len(words))] }

func pickN(n int) int {
	i, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(i.Int64())
}
