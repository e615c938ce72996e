package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"time"
)

// api is an Engine API client on a unix socket: the few requests the
// reaper makes need no more than net/http.
type api struct{ client *http.Client }

func newAPI(socket string) *api {
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}
	return &api{client: &http.Client{
		Transport: &http.Transport{DialContext: dial},
		Timeout:   time.Minute,
	}}
}

// removeAll lists what list (a path ending in "filters=") finds with the
// filters q, and DELETEs each by its key field through remove (a format
// of the path). It returns how many it removed; a failure is logged and
// the others are still tried.
func (a *api) removeAll(list string, q []byte, key, remove string) int {
	var items []map[string]any
	body, err := a.do(http.MethodGet, list+url.QueryEscape(string(q)))
	if err == nil {
		// /volumes answers {"Volumes": [...]}, the others a list.
		var vols struct{ Volumes []map[string]any }
		if err = json.Unmarshal(body, &items); err != nil && json.Unmarshal(body, &vols) == nil {
			items, err = vols.Volumes, nil
		}
	}
	if err != nil {
		log.Printf("list %s: %v", list, err)
		return 0
	}
	n := 0
	for _, item := range items {
		id, _ := item[key].(string)
		if id == "" {
			continue
		}
		if _, err := a.do(http.MethodDelete, fmt.Sprintf(remove, url.PathEscape(id))); err != nil {
			log.Printf("remove %s: %v", id, err)
			continue
		}
		n++
	}
	return n
}

// do makes one request and returns its body, or an error for a status
// of 300 and above (a 404: already gone, is not one).
func (a *api) do(method, path string) ([]byte, error) {
	req, err := http.NewRequest(method, "http://docker"+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotFound {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, body)
	}
	return body, nil
}
