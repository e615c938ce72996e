package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// DockerHubServer is Docker Hub's key in config.json, as docker writes it.
const DockerHubServer = "https://index.docker.io/v1/"

// RegistryServer is config.json's key for the server the user named:
// Docker Hub's long form, or HOST[:PORT].
func RegistryServer(arg string) string {
	arg = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(arg, "https://"), "http://"), "/")
	switch arg {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io", "index.docker.io/v1":
		return DockerHubServer
	}
	return arg
}

// RegistryHost is the host that answers for server.
func RegistryHost(server string) string {
	if server == DockerHubServer {
		return "index.docker.io"
	}
	return server
}

// ErrLoginRefused is a registry's no to a user and password.
var ErrLoginRefused = errors.New("unauthorized: incorrect username or password")

// CheckLogin asks the registry server (HOST[:PORT]) whether user and
// password are good, as docker login does before it keeps them: the
// registry's own challenge (basic, or a token service) answered, then
// its /v2/ asked.
func CheckLogin(ctx context.Context, server, user, password string) error {
	reg, err := name.NewRegistry(server)
	if err != nil {
		return fmt.Errorf("invalid registry %q: %w", server, err)
	}
	auth := authn.FromConfig(authn.AuthConfig{Username: user, Password: password})
	t, err := transport.NewWithContext(ctx, reg, auth, registryTransport(), nil)
	if err != nil {
		return loginError(server, err)
	}
	url := fmt.Sprintf("%s://%s/v2/", reg.Scheme(), reg.RegistryStr())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: t}).Do(req)
	if err != nil {
		return loginError(server, err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return fmt.Errorf("login to %s: %w", server, ErrLoginRefused)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login to %s: the registry answered %s", server, resp.Status)
	}
	return nil
}

func loginError(server string, err error) error {
	var terr *transport.Error
	if errors.As(err, &terr) && (terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden) {
		return fmt.Errorf("login to %s: %w", server, ErrLoginRefused)
	}
	return fmt.Errorf("login to %s: %w", server, err)
}
