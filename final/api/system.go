package api

import (
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/moby/moby/api/types/system"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/image"
)

// systemRoutes: _ping, version, info.
func (s *Server) systemRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_ping", s.ping) // GET patterns take HEAD too
	mux.HandleFunc("GET /version", s.version)
	mux.HandleFunc("GET /info", s.info)
}

// ping answers "OK" with the headers a client negotiates its version
// from (versioned sets Api-Version), uncached, as docker's.
func (s *Server) ping(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	// The classic builder's API only (POST /build): BuildKit's clients
	// (buildx, compose) are told so, as a daemon without BuildKit does.
	h.Set("Builder-Version", "1")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write([]byte("OK"))
	}
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	kernel := kernelVersion()
	details := map[string]string{
		"ApiVersion": APIVersion, "MinAPIVersion": MinAPIVersion,
		"Os": runtime.GOOS, "Arch": runtime.GOARCH,
		"GoVersion": runtime.Version(), "KernelVersion": kernel,
	}
	v := system.VersionResponse{
		Version: s.Version, APIVersion: APIVersion, MinAPIVersion: MinAPIVersion,
		Os: runtime.GOOS, Arch: runtime.GOARCH, GoVersion: runtime.Version(),
		KernelVersion: kernel,
		Components:    []system.ComponentVersion{{Name: "Engine", Version: s.Version, Details: details}},
	}
	v.Platform.Name = "mydocker"
	writeJSON(w, http.StatusOK, v)
}

// info is a subset of docker's: the counts, and what this host is.
func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	images, err := image.Store{Root: s.Root}.List()
	if err != nil {
		writeError(w, err)
		return
	}
	host, _ := os.Hostname()
	in := system.Info{
		Containers: len(states), Images: len(images),
		Driver: "overlay2", LoggingDriver: "json-file", CgroupDriver: "cgroupfs",
		KernelVersion: kernelVersion(), OSType: runtime.GOOS, OperatingSystem: runtime.GOOS,
		Architecture: runtime.GOARCH, NCPU: runtime.NumCPU(), DockerRootDir: s.Root,
		Name: host, ServerVersion: s.Version, SystemTime: time.Now().Format(time.RFC3339Nano),
		NGoroutines: runtime.NumGoroutine(), MemTotal: memTotal(),
	}
	for _, st := range states {
		switch {
		case st.Paused():
			in.ContainersPaused++
		case st.Running():
			in.ContainersRunning++
		default:
			in.ContainersStopped++
		}
	}
	writeJSON(w, http.StatusOK, in)
}

// memTotal is the host's memory in bytes, as docker's info reports it
// (clients such as testcontainers print it); 0 when sysinfo fails.
func memTotal() int64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}

// kernelVersion is uname -r.
func kernelVersion() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}
