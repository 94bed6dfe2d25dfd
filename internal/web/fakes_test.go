package web

import (
	"errors"
	"net"
)

// fakeListener claims a non-loopback address; Serve must refuse it before accepting.
type fakeListener struct{}

func (fakeListener) Accept() (net.Conn, error) { return nil, errors.New("not listening") }
func (fakeListener) Close() error              { return nil }
func (fakeListener) Addr() net.Addr {
	return &net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 8484}
}
