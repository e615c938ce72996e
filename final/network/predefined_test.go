package network

import (
	"strings"
	"testing"
)

func TestPredefinedIDsAreStableAndDistinct(t *testing.T) {
	a, b := Predefined(), Predefined()
	if len(a) != 2 || a[0].Name != "host" || a[1].Name != "none" || a[0].Driver != "host" || a[1].Driver != "null" {
		t.Fatalf("Predefined() = %+v, want host (host) and none (null)", a)
	}
	for i := range a {
		if a[i].NetworkID() != b[i].NetworkID() || len(a[i].NetworkID()) != 64 {
			t.Errorf("%s: ID %q then %q, want the same 64 hex digits", a[i].Name, a[i].NetworkID(), b[i].NetworkID())
		}
	}
	if a[0].NetworkID() == a[1].NetworkID() {
		t.Error("host and none have the same ID")
	}
}

func TestPredefinedAreNeitherCreatedNorRemoved(t *testing.T) {
	s := Store{Root: t.TempDir()}
	for _, name := range []string{"host", "none"} {
		if _, err := s.Create(name, "bridge", "10.99.0.0/24"); err == nil || !strings.Contains(err.Error(), "predefined "+name) {
			t.Errorf("Create(%s) = %v, want docker's refusal", name, err)
		}
		if err := s.Remove(name); err == nil || err.Error() != name+" is a pre-defined network and cannot be removed" {
			t.Errorf("Remove(%s) = %v, want docker's refusal", name, err)
		}
	}
	id := PredefinedNamed("none").NetworkID()
	if got := s.NameOf(id[:10]); got != "none" {
		t.Errorf("NameOf(none's ID prefix) = %q", got)
	}
}
