// Command testregistry serves a registry on 127.0.0.1 for the integration
// tests and benchmarks, and pushes their images to it:
//
//	testregistry serve ADDRFILE        listen on 127.0.0.1:0, write the address to ADDRFILE
//	testregistry serve-auth ADDRFILE USER PASSWORD   the same, for that user alone
//	testregistry push ADDR BUSYBOX.tar push the tests' images
//	testregistry bench ADDR/REPO:TAG N MB   push an image of N random layers of MB each
//	testregistry layers REF BUSYBOX.tar N   push busybox and N-1 small layers over it
//	testregistry layout OUT.tar BUSYBOX.tar NAME TAG   write an OCI layout tar of the app image
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/mydocker/mydocker/final/internal/testregistry"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "testregistry: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: testregistry serve ADDRFILE | push ADDR BUSYBOX.tar | bench REF N MB | layers REF BUSYBOX.tar N | layout OUT.tar BUSYBOX.tar NAME TAG")
	}
	switch {
	case args[0] == "serve" && len(args) == 2:
		ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
		if err != nil {
			return err
		}
		if err := os.WriteFile(args[1], []byte(ln.Addr().String()), 0o644); err != nil {
			return err
		}
		return http.Serve(ln, registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	case args[0] == "serve-auth" && len(args) == 4:
		// A registry that wants user args[2], password args[3] (HTTP
		// basic auth), for login and push.
		ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
		if err != nil {
			return err
		}
		if err := os.WriteFile(args[1], []byte(ln.Addr().String()), 0o644); err != nil {
			return err
		}
		return http.Serve(ln, basicAuth(args[2], args[3], registry.New(registry.Logger(log.New(io.Discard, "", 0)))))
	case args[0] == "push" && len(args) == 3:
		return testregistry.PushAll(args[1], args[2])
	case args[0] == "layers" && len(args) == 4:
		base, err := os.ReadFile(args[2])
		n, nerr := strconv.Atoi(args[3])
		if err != nil || nerr != nil {
			return fmt.Errorf("layers: want REF BUSYBOX.tar N")
		}
		return testregistry.PushLayered(args[1], base, n)
	case args[0] == "layout" && len(args) == 5:
		return testregistry.LayoutTar(args[1], args[2], args[3], args[4])
	case args[0] == "bench" && len(args) == 4:
		n, err1 := strconv.Atoi(args[2])
		mb, err2 := strconv.Atoi(args[3])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bench: N and MB are numbers")
		}
		return testregistry.BenchImage(args[1], n, int64(mb)<<20)
	}
	return fmt.Errorf("unknown command %q", args)
}

// basicAuth lets through only requests with user's password, and answers
// the others 401 with a Basic challenge, as a registry behind a proxy.
func basicAuth(user, password string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="testregistry"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
