package initproc

import "golang.org/x/sys/unix"

// loopbackUp brings lo up, as docker does for every container, also one
// on no network (--network none): 127.0.0.1 works inside. A container on
// a network has it up already; one on the host's network shares the
// host's, which is up. A failure leaves lo as it was, as before.
//
// Two ioctls on a datagram socket (netdevice(7): SIOCGIFFLAGS, then
// SIOCSIFFLAGS with IFF_UP), not netlink: init is a small static binary
// (cmd/mydocker-init), and this is all of the network it does.
func loopbackUp() {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return
	}
	flags := ifr.Uint16()
	if flags&unix.IFF_UP != 0 {
		return
	}
	ifr.SetUint16(flags | unix.IFF_UP)
	_ = unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
