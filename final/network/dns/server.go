package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

const (
	// udpSize is the largest question we read over UDP, and the largest
	// answer a client without EDNS0 takes (RFC 1035).
	udpSize = 512
	// maxInFlight bounds the questions being passed on at once: a
	// container that floods the server costs it this many goroutines.
	maxInFlight = 64
	// maxTCP bounds the TCP connections at once, each with a deadline.
	maxTCP      = 16
	tcpIdle     = 10 * time.Second
	forwardWait = 3 * time.Second
)

// Server answers the questions of one container.
type Server struct {
	Names Names
	// Upstreams are the servers the container would have asked: the
	// host's (from its resolv.conf) or --dns. None: such questions get
	// SERVFAIL.
	Upstreams []netip.AddrPort
	// Dial reaches an upstream server: from the container's network
	// namespace, as its own questions would go.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)

	inFlight chan struct{}
	once     sync.Once
}

func (s *Server) init() {
	s.once.Do(func() { s.inFlight = make(chan struct{}, maxInFlight) })
}

// Answer is the reply to the message query, or nil when it deserves none
// (it is not a question, or does not even have a header).
func (s *Server) Answer(ctx context.Context, query []byte, network string) []byte {
	var p dnsmessage.Parser
	hdr, err := p.Start(query)
	if err != nil || hdr.Response {
		return nil
	}
	if hdr.OpCode != 0 {
		return failure(hdr, nil, dnsmessage.RCodeNotImplemented)
	}
	q, err := p.Question()
	if err != nil {
		return failure(hdr, nil, dnsmessage.RCodeFormatError)
	}
	if _, err := p.Question(); !errors.Is(err, dnsmessage.ErrSectionDone) {
		return failure(hdr, &q, dnsmessage.RCodeFormatError) // one question a message, as every resolver sends
	}
	if s.Names != nil {
		if reply, ok := local(s.Names, hdr, q); ok {
			return reply
		}
	}
	if reply := s.forward(ctx, query, hdr, q, network); reply != nil {
		return reply
	}
	return failure(hdr, &q, dnsmessage.RCodeServerFailure)
}

// forward asks each upstream server in turn and gives the first answer
// to this very question (its ID and question checked, so that nothing
// else that reaches the socket passes for it).
func (s *Server) forward(ctx context.Context, query []byte, hdr dnsmessage.Header, q dnsmessage.Question, network string) []byte {
	for _, up := range s.Upstreams {
		reply, err := s.exchange(ctx, up, query, network)
		if err == nil && answers(reply, hdr.ID, q) {
			return reply
		}
	}
	return nil
}

// exchange sends query to up over network (udp or tcp) and reads one
// reply.
func (s *Server) exchange(ctx context.Context, up netip.AddrPort, query []byte, network string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, forwardWait)
	defer cancel()
	dial := s.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(ctx, network, up.String())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	if network == "tcp" {
		return exchangeTCP(conn, query)
	}
	if _, err := conn.Write(query); err != nil {
		return nil, err
	}
	buf := make([]byte, 65535)
	n, err := conn.Read(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

func exchangeTCP(conn net.Conn, query []byte) ([]byte, error) {
	if err := writeTCP(conn, query); err != nil {
		return nil, err
	}
	return readTCP(conn)
}

// answers reports whether reply is a reply to the question q of id.
func answers(reply []byte, id uint16, q dnsmessage.Question) bool {
	var p dnsmessage.Parser
	hdr, err := p.Start(reply)
	if err != nil || !hdr.Response || hdr.ID != id {
		return false
	}
	got, err := p.Question()
	return err == nil && got.Type == q.Type && got.Class == q.Class &&
		strings.EqualFold(got.Name.String(), q.Name.String())
}

// ServeUDP answers the questions that reach conn until it is closed.
func (s *Server) ServeUDP(ctx context.Context, conn net.PacketConn) error {
	s.init()
	buf := make([]byte, udpSize)
	for {
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		query := append([]byte(nil), buf[:n]...)
		select {
		case s.inFlight <- struct{}{}:
		default:
			continue // too many at once: dropped, the client asks again
		}
		go func() {
			defer func() { <-s.inFlight }()
			if reply := truncate(s.Answer(ctx, query, "udp")); reply != nil {
				conn.WriteTo(reply, from)
			}
		}()
	}
}

// truncate makes a reply too long for UDP the header and question alone,
// with the TC bit, which sends the client to TCP (RFC 1035 4.2.1).
func truncate(reply []byte) []byte {
	if len(reply) <= udpSize {
		return reply
	}
	var p dnsmessage.Parser
	hdr, err := p.Start(reply)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	rh := replyHeader(hdr, hdr.RCode)
	rh.Truncated = true
	b := dnsmessage.NewBuilder(nil, rh)
	if err == nil && b.StartQuestions() == nil {
		_ = b.Question(q)
	}
	msg, err := b.Finish()
	if err != nil {
		return nil
	}
	return msg
}

// ServeTCP answers on each connection that l accepts until l is closed.
func (s *Server) ServeTCP(ctx context.Context, l net.Listener) error {
	s.init()
	slots := make(chan struct{}, maxTCP)
	for {
		conn, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		select {
		case slots <- struct{}{}:
		default:
			conn.Close()
			continue
		}
		go func() {
			defer func() { <-slots }()
			defer conn.Close()
			for {
				conn.SetDeadline(time.Now().Add(tcpIdle))
				query, err := readTCP(conn)
				if err != nil {
					return
				}
				reply := s.Answer(ctx, query, "tcp")
				if reply == nil || writeTCP(conn, reply) != nil {
					return
				}
			}
		}()
	}
}

// readTCP reads one message: two bytes of length, then the message.
func readTCP(conn io.Reader) ([]byte, error) {
	var size [2]byte
	if _, err := io.ReadFull(conn, size[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(size[:]))
	if _, err := io.ReadFull(conn, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

func writeTCP(conn io.Writer, msg []byte) error {
	if len(msg) > 65535 {
		return errors.New("dns message too long")
	}
	out := make([]byte, 2+len(msg))
	binary.BigEndian.PutUint16(out, uint16(len(msg)))
	copy(out[2:], msg)
	_, err := conn.Write(out)
	return err
}
