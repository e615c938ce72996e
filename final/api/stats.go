package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/observe"
	"github.com/mydocker/mydocker/final/state"
)

// statsRoutes: docker stats, a sample a second (stream, the default) or
// one (stream=false: two samples apart, so that the client has a CPU
// rate; one-shot=true: one sample alone, as docker's).
func (s *Server) statsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /containers/{id}/stats", s.stats)
}

// statsInterval is the time between two samples of a stream; the one
// answer of stream=false takes half, as the CLI's stats --no-stream.
const statsInterval = time.Second

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	stream := r.URL.Query().Get("stream") == "" || boolQuery(r, "stream")
	if stream && boolQuery(r, "one-shot") {
		writeError(w, badRequest("cannot have stream=true and one-shot=true"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	var prev container.StatsResponse
	if !stream && !boolQuery(r, "one-shot") {
		prev = statsOf(st, s.sample(st))
		if !sleep(r.Context(), statsInterval/2) {
			return
		}
	}
	for {
		now := statsOf(st, s.sample(st))
		now.PreCPUStats, now.PreRead = prev.CPUStats, prev.Read
		writeBody(w, now)
		http.NewResponseController(w).Flush()
		if !stream || !sleep(r.Context(), statsInterval) {
			return
		}
		prev = now
	}
}

// sample is the container's counters, or none once it does not run
// (docker shows a stopped container's stats as zeros).
func (s *Server) sample(st *state.Container) *observe.Sample {
	if !st.Running() {
		return nil
	}
	got, err := observe.SampleOf(st)
	if err != nil {
		if !errors.Is(err, state.ErrNotRunning) && st.Init.Alive() {
			logEntryFor(st).WithError(err).Debug("stats")
		}
		return nil
	}
	return &got
}

// statsOf is a sample as docker's StatsResponse: memory_stats (the
// page cache's inactive_file among its stats, which the CLI takes off,
// as cgroup v1's total_inactive_file), cpu_stats, pids_stats, networks
// and blkio_stats.
func statsOf(st *state.Container, m *observe.Sample) container.StatsResponse {
	out := container.StatsResponse{ID: st.ID, Name: "/" + st.Name, OSType: "linux", Read: time.Now()}
	if m == nil {
		return out
	}
	out.Read = m.Read
	out.NumProcs = 0 // docker's is 0 on Linux too
	out.CPUStats = container.CPUStats{
		CPUUsage:    container.CPUUsage{TotalUsage: m.CPUNanos, UsageInUsermode: m.UserNanos, UsageInKernelmode: m.SysNanos},
		SystemUsage: m.SystemNanos, OnlineCPUs: m.OnlineCPUs,
	}
	out.MemoryStats = container.MemoryStats{Usage: m.Memory, MaxUsage: m.MaxMemory, Failcnt: m.Failcnt, Limit: m.MemLimit, Stats: m.MemoryStats}
	out.PidsStats = container.PidsStats{Current: m.Pids, Limit: m.PidsLimit}
	if m.Networks != nil {
		out.Networks = map[string]container.NetworkStats{}
		for name, n := range m.Networks {
			out.Networks[name] = container.NetworkStats{
				RxBytes: n.RxBytes, RxPackets: n.RxPackets, RxErrors: n.RxErrors, RxDropped: n.RxDropped,
				TxBytes: n.TxBytes, TxPackets: n.TxPackets, TxErrors: n.TxErrors, TxDropped: n.TxDropped,
			}
		}
	}
	out.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
		{Op: "read", Value: m.BlockRead}, {Op: "write", Value: m.BlockWrite},
	}
	return out
}

// logEntryFor is a log line's fields for the container st.
func logEntryFor(st *state.Container) *logrus.Entry {
	return logrus.WithField("container", st.ShortID())
}
