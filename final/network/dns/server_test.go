package dns

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"
)

type fakeNames map[string][]netip.Addr

func (f fakeNames) Lookup(name string) []netip.Addr { return f[name] }
func (f fakeNames) Reverse(addr netip.Addr) []string {
	var out []string
	for n, as := range f {
		for _, a := range as {
			if a == addr {
				out = append(out, n)
			}
		}
	}
	return out
}

var names = fakeNames{"db": {netip.MustParseAddr("10.1.0.2")}, "db.app": {netip.MustParseAddr("10.1.0.2")}}

func question(t testing.TB, id uint16, name string, typ dnsmessage.Type) []byte {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	require.NoError(t, b.StartQuestions())
	require.NoError(t, b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET}))
	msg, err := b.Finish()
	require.NoError(t, err)
	return msg
}

func parse(t *testing.T, reply []byte) (dnsmessage.Header, []dnsmessage.Resource) {
	var m dnsmessage.Message
	require.NoError(t, m.Unpack(reply))
	return m.Header, m.Answers
}

func TestAContainersNameIsAnsweredHereAndAAAAIsEmpty(t *testing.T) {
	s := &Server{Names: names}
	hdr, answers := parse(t, s.Answer(context.Background(), question(t, 7, "DB.", dnsmessage.TypeA), "udp"))
	assert.Equal(t, uint16(7), hdr.ID)
	assert.Equal(t, dnsmessage.RCodeSuccess, hdr.RCode)
	require.Len(t, answers, 1)
	assert.Equal(t, [4]byte{10, 1, 0, 2}, answers[0].Body.(*dnsmessage.AResource).A)
	assert.Equal(t, uint32(600), answers[0].Header.TTL)

	hdr, answers = parse(t, s.Answer(context.Background(), question(t, 8, "db.app.", dnsmessage.TypeAAAA), "udp"))
	assert.Equal(t, dnsmessage.RCodeSuccess, hdr.RCode, "the name is ours: NOERROR, no address")
	assert.Empty(t, answers)

	hdr, answers = parse(t, s.Answer(context.Background(), question(t, 9, "2.0.1.10.in-addr.arpa.", dnsmessage.TypePTR), "udp"))
	assert.Equal(t, dnsmessage.RCodeSuccess, hdr.RCode)
	require.Len(t, answers, 2)
	assert.Contains(t, []string{"db.", "db.app."}, answers[0].Body.(*dnsmessage.PTRResource).PTR.String())
}

func TestAnotherNameWithoutUpstreamsIsServfail(t *testing.T) {
	s := &Server{Names: names}
	hdr, _ := parse(t, s.Answer(context.Background(), question(t, 1, "example.com.", dnsmessage.TypeA), "udp"))
	assert.Equal(t, dnsmessage.RCodeServerFailure, hdr.RCode)
}

// upstream is a DNS server on loopback that answers every A question
// with 192.0.2.1, or with a reply of the wrong ID when spoof is set.
func upstream(t *testing.T, spoof bool) netip.AddrPort {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			var m dnsmessage.Message
			if m.Unpack(buf[:n]) != nil {
				continue
			}
			m.Header.Response = true
			if spoof {
				m.Header.ID++
			}
			m.Answers = []dnsmessage.Resource{{
				Header: dnsmessage.ResourceHeader{Name: m.Questions[0].Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 5},
				Body:   &dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}},
			}}
			out, _ := m.Pack()
			conn.WriteTo(out, from)
		}
	}()
	return netip.MustParseAddrPort(conn.LocalAddr().String())
}

func TestOtherNamesGoUpstreamAndOnlyTheirOwnReplyComesBack(t *testing.T) {
	s := &Server{Names: names, Upstreams: []netip.AddrPort{upstream(t, false)}}
	hdr, answers := parse(t, s.Answer(context.Background(), question(t, 42, "example.com.", dnsmessage.TypeA), "udp"))
	assert.Equal(t, uint16(42), hdr.ID)
	require.Len(t, answers, 1)
	assert.Equal(t, [4]byte{192, 0, 2, 1}, answers[0].Body.(*dnsmessage.AResource).A)

	// A reply of another ID is not this question's: the next server is
	// asked, and with none left, SERVFAIL.
	s = &Server{Names: names, Upstreams: []netip.AddrPort{upstream(t, true)}}
	hdr, _ = parse(t, s.Answer(context.Background(), question(t, 43, "example.com.", dnsmessage.TypeA), "udp"))
	assert.Equal(t, dnsmessage.RCodeServerFailure, hdr.RCode)
}

func TestWhatIsNoQuestionGetsFormerrOrNothing(t *testing.T) {
	s := &Server{Names: names}
	assert.Nil(t, s.Answer(context.Background(), []byte{1, 2, 3}, "udp"), "no header: no reply")
	reply := question(t, 5, "db.", dnsmessage.TypeA)
	reply[2] |= 0x80 // QR: a response, not a question
	assert.Nil(t, s.Answer(context.Background(), reply, "udp"))
	cut := question(t, 6, "db.", dnsmessage.TypeA)
	hdr, _ := parse(t, s.Answer(context.Background(), cut[:len(cut)-3], "udp"))
	assert.Equal(t, dnsmessage.RCodeFormatError, hdr.RCode)
}

func TestServeUDPAndTCP(t *testing.T) {
	s := &Server{Names: names}
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer udp.Close()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer tcp.Close()
	go s.ServeUDP(context.Background(), udp)
	go s.ServeTCP(context.Background(), tcp)

	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		addr := udp.LocalAddr().String()
		if strings.HasPrefix(network, "tcp") {
			addr = tcp.Addr().String()
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	addrs, err := r.LookupHost(context.Background(), "db")
	require.NoError(t, err)
	assert.Equal(t, []string{"10.1.0.2"}, addrs)

	conn, err := net.Dial("tcp", tcp.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, writeTCP(conn, question(t, 77, "db.app.", dnsmessage.TypeA)))
	reply, err := readTCP(conn)
	require.NoError(t, err)
	hdr, answers := parse(t, reply)
	assert.Equal(t, uint16(77), hdr.ID)
	assert.Len(t, answers, 1)
}

func TestTruncateSendsTheClientToTCP(t *testing.T) {
	many := fakeNames{}
	for i := 0; i < 60; i++ {
		many["big"] = append(many["big"], netip.AddrFrom4([4]byte{10, 0, byte(i / 250), byte(i%250 + 1)}))
	}
	s := &Server{Names: many}
	full := s.Answer(context.Background(), question(t, 3, "big.", dnsmessage.TypeA), "udp")
	require.Greater(t, len(full), udpSize)
	hdr, answers := parse(t, truncate(full))
	assert.True(t, hdr.Truncated)
	assert.Empty(t, answers)
}

func FuzzAnswerNeverPanics(f *testing.F) {
	f.Add(question(f, 1, "db.", dnsmessage.TypeA))
	f.Add(question(f, 2, "4.3.2.1.in-addr.arpa.", dnsmessage.TypePTR))
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c})
	s := &Server{Names: names}
	f.Fuzz(func(t *testing.T, msg []byte) {
		_ = s.Answer(context.Background(), msg, "udp")
	})
}
