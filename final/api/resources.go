package api

import "net/http"

// resourceRoutes are issue 26's second slice: networks, volumes, the
// container requests past its life (top, stats, rename, pause, update,
// changes, archive, prune), events and system df.
func (s *Server) resourceRoutes(mux *http.ServeMux) {
	s.networkRoutes(mux)
	s.volumeRoutes(mux)
	s.containerOpsRoutes(mux)
	s.archiveRoutes(mux)
	s.statsRoutes(mux)
	s.eventsRoutes(mux)
}
