// Package state is the record of mydocker's containers on disk (book
// 5.2): the Store under --root, with one directory per container,
// <root>/containers/<id>/, whose config.json is a Container (its ID,
// name, image, config, Status, its init and owner as Process, its
// restart policy, security options, volumes and its place on a network,
// book 6.3), and <root>/names/<name>, which reserves a name for one ID.
// It makes
// (Create), finds (Find, List, ListAll), changes under the container's
// lock (Lock, Change, Reload, Save) and removes (Remove) those records,
// makes up IDs and names, tells a container whose config.json cannot be
// read (Damaged) and tidies what a command killed half-way left
// (RemoveAbandonedDirs, CollectNames). Every mydocker process on the host
// that deals with containers uses it: each CLI command (run, ps, stop,
// rm, exec, cp, commit, top, ...), which finds containers and reconciles
// them first, and each container's monitor, which records its start, its
// end and its restarts; the container's own init does not, and
// mydocker-runc keeps the OCI runtime's state of its own (package oci).
// Everything a container has is named by its ID or lives in its
// directory, so that whichever of those processes finds a container
// half-made can undo it: the record is written before each thing is made.
// It imports nothing of the runtime (package container), which imports
// it.
package state
