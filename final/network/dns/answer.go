// Package dns is the DNS server of a user network, as docker's at
// 127.0.0.11: it answers the names of the containers on the network (and
// their aliases), the moment they join and no longer once they leave, and
// passes every other question on to the servers the container would have
// asked without it.
//
// It runs as root on the host and reads what the container sends: every
// message is parsed by golang.org/x/net/dns/dnsmessage, which checks
// each length and pointer, and one that does not parse gets FORMERR or
// nothing, never a panic.
package dns

import (
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// ttl is how long a client may keep a container's address: docker's 600 s.
const ttl = 600

// Names is what the server knows of its network.
type Names interface {
	// Lookup is the addresses of name (a container's name, alias or
	// short ID, lower case, without the final dot), or nil.
	Lookup(name string) []netip.Addr
	// Reverse is the names of addr on the network, or nil.
	Reverse(addr netip.Addr) []string
}

// local answers q from names: ok is false when the question is not ours
// to answer and goes on to the upstream servers.
func local(names Names, hdr dnsmessage.Header, q dnsmessage.Question) (reply []byte, ok bool) {
	name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
	if q.Class != dnsmessage.ClassINET {
		return nil, false
	}
	if q.Type == dnsmessage.TypePTR {
		addr, isArpa := arpaAddr(name)
		if !isArpa {
			return nil, false
		}
		hosts := names.Reverse(addr)
		if len(hosts) == 0 {
			return nil, false
		}
		return build(hdr, q, func(b *dnsmessage.Builder, rh dnsmessage.ResourceHeader) error {
			for _, h := range hosts {
				n, err := dnsmessage.NewName(h + ".")
				if err != nil {
					continue
				}
				if err := b.PTRResource(rh, dnsmessage.PTRResource{PTR: n}); err != nil {
					return err
				}
			}
			return nil
		}), true
	}
	addrs := names.Lookup(name)
	if len(addrs) == 0 {
		return nil, false
	}
	// The name is ours: an A question gets its addresses, any other
	// (AAAA: the network has no IPv6) an empty answer, NOERROR, as docker
	// gives, so that the client goes on to the A answer.
	return build(hdr, q, func(b *dnsmessage.Builder, rh dnsmessage.ResourceHeader) error {
		if q.Type != dnsmessage.TypeA {
			return nil
		}
		for _, a := range addrs {
			if !a.Is4() {
				continue
			}
			if err := b.AResource(rh, dnsmessage.AResource{A: a.As4()}); err != nil {
				return err
			}
		}
		return nil
	}), true
}

// build is the reply to hdr's question q, with the answers that add
// writes; a reply that does not fit is SERVFAIL.
func build(hdr dnsmessage.Header, q dnsmessage.Question, add func(*dnsmessage.Builder, dnsmessage.ResourceHeader) error) []byte {
	rhdr := replyHeader(hdr, dnsmessage.RCodeSuccess)
	rhdr.Authoritative = true
	b := dnsmessage.NewBuilder(nil, rhdr)
	b.EnableCompression()
	rh := dnsmessage.ResourceHeader{Name: q.Name, Type: q.Type, Class: dnsmessage.ClassINET, TTL: ttl}
	if err := b.StartQuestions(); err == nil {
		err = b.Question(q)
		if err == nil {
			err = b.StartAnswers()
		}
		if err == nil {
			err = add(&b, rh)
		}
		if err == nil {
			if msg, err := b.Finish(); err == nil {
				return msg
			}
		}
	}
	return failure(hdr, &q, dnsmessage.RCodeServerFailure)
}

// failure is a reply with rcode alone (and the question, when known).
func failure(hdr dnsmessage.Header, q *dnsmessage.Question, rcode dnsmessage.RCode) []byte {
	b := dnsmessage.NewBuilder(nil, replyHeader(hdr, rcode))
	if q != nil {
		if err := b.StartQuestions(); err == nil {
			_ = b.Question(*q)
		}
	}
	msg, err := b.Finish()
	if err != nil {
		return nil
	}
	return msg
}

func replyHeader(hdr dnsmessage.Header, rcode dnsmessage.RCode) dnsmessage.Header {
	return dnsmessage.Header{
		ID: hdr.ID, Response: true, OpCode: hdr.OpCode,
		RecursionDesired: hdr.RecursionDesired, RecursionAvailable: true, RCode: rcode,
	}
}

// arpaAddr reads a reverse name, 4.3.2.10.in-addr.arpa, as 10.2.3.4.
func arpaAddr(name string) (netip.Addr, bool) {
	rest, ok := strings.CutSuffix(name, ".in-addr.arpa")
	if !ok {
		return netip.Addr{}, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	for i, j := 0, 3; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	addr, err := netip.ParseAddr(strings.Join(parts, "."))
	return addr, err == nil && addr.Is4()
}
