package image

import (
	"context"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

type authKey struct{}

// WithAuth makes the pulls and pushes under ctx log in with auth instead
// of the keychain (~/.docker/config.json): the API server's client sends
// its own credentials (X-Registry-Auth), as docker's daemon takes them.
// An empty auth leaves the keychain in use.
func WithAuth(ctx context.Context, auth authn.AuthConfig) context.Context {
	if auth == (authn.AuthConfig{}) {
		return ctx
	}
	return context.WithValue(ctx, authKey{}, auth)
}

// authOption is how a pull or push under ctx logs in.
func authOption(ctx context.Context) remote.Option {
	if auth, ok := ctx.Value(authKey{}).(authn.AuthConfig); ok {
		return remote.WithAuth(authn.FromConfig(auth))
	}
	return remote.WithAuthFromKeychain(authn.DefaultKeychain)
}
