// Command dockerprofile prints docker's default seccomp profile, resolved
// for a bounding set of capabilities, as an OCI bundle's linux.seccomp
// (JSON), so that scripts/bench.sh can time mydocker-runc, runc and crun
// on one bundle that filters system calls as docker's containers do:
//
//	dockerprofile CAP_KILL CAP_NET_BIND_SERVICE ...
//
// It is the profile that mydocker run applies (seccomp.Profile).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mydocker/mydocker/final/seccomp"
)

func main() {
	profile, err := seccomp.Profile("", os.Args[1:])
	if err == nil {
		err = json.NewEncoder(os.Stdout).Encode(profile)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "dockerprofile: %v\n", err)
		os.Exit(1)
	}
}
