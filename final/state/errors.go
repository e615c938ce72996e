package state

import "errors"

// The errors the CLI tells apart with errors.Is.
var (
	// ErrNotFound: no container has that name, ID or ID prefix.
	ErrNotFound = errors.New("no such container")
	// ErrAmbiguous: an ID prefix that more than one container has.
	ErrAmbiguous = errors.New("ambiguous container ID prefix")
	// ErrRunning: the container runs, and the command needs it stopped.
	ErrRunning = errors.New("container is running")
	// ErrNotRunning: the container does not run, and the command needs it to.
	ErrNotRunning = errors.New("container is not running")
	// ErrNameInUse: --name is another container's.
	ErrNameInUse = errors.New("container name already in use")
	// ErrDamaged: the container's config.json cannot be read (Damaged).
	ErrDamaged = errors.New("container cannot be read")
)
