// netns-relay joins the host's loopback and one network namespace of the platform's own,
// without a route between them: each forward is a TCP listener on one side whose
// connections the relay makes again, itself, on the other side.
//
//	netns-relay -netns /run/netns/goship-node \
//	    -in 127.0.0.1:5000=127.0.0.1:5000 \    listen inside the namespace, dial on the host
//	    -out 127.0.0.1:0=10.96.0.12:80         listen on the host, dial inside the namespace
//
// So the node's kubelet and containerd reach the API server and the registries at the very
// addresses they have on the host (127.0.0.1:PORT: the certificates name them), and a test
// on the host reaches a Service's ClusterIP as a client on the node would. Nothing is
// routed: a byte crosses only as the relay's own copy, between two sockets it holds.
//
// It prints "listening in|out LISTEN -> TARGET" per forward (with the port a :0 got), then
// runs until SIGTERM or SIGINT.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// forward is one listener and the address its connections are relayed to.
type forward struct {
	direction string // "in": listen in the namespace, dial on the host; "out": the reverse
	listen    string
	target    string
}

type forwards []forward

func (f *forwards) add(direction string) func(string) error {
	return func(v string) error {
		listen, target, ok := strings.Cut(v, "=")
		if !ok || listen == "" || target == "" {
			return fmt.Errorf("want LISTEN=TARGET (host:port=host:port), got %q", v)
		}
		for _, a := range []string{listen, target} {
			if _, _, err := net.SplitHostPort(a); err != nil {
				return fmt.Errorf("%q: %w", a, err)
			}
		}
		*f = append(*f, forward{direction: direction, listen: listen, target: target})
		return nil
	}
}

func main() {
	var fs forwards
	nsPath := flag.String("netns", "", "the network namespace's file (e.g. /run/netns/goship-node)")
	flag.Func("in", "LISTEN=TARGET: listen inside the namespace, dial TARGET on the host (repeatable)", fs.add("in"))
	flag.Func("out", "LISTEN=TARGET: listen on the host, dial TARGET inside the namespace (repeatable)", fs.add("out"))
	flag.Parse()
	if *nsPath == "" || len(fs) == 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*nsPath, fs); err != nil {
		log.Fatalf("netns-relay: %v", err)
	}
}

func run(nsPath string, fs forwards) error {
	host, err := openNetns("/proc/self/ns/net")
	if err != nil {
		return err
	}
	node, err := openNetns(nsPath)
	if err != nil {
		return err
	}
	if same, err := host.same(node); err != nil || same {
		// Each side's connections would come back to its own listener, for ever.
		return fmt.Errorf("%s is the relay's own network namespace: start it on the host (err: %v)", nsPath, err)
	}
	for _, f := range fs {
		listenIn, dialIn := host, node
		if f.direction == "in" {
			listenIn, dialIn = node, host
		}
		var l net.Listener
		if err := listenIn.do(host, func() (err error) { l, err = net.Listen("tcp", f.listen); return err }); err != nil {
			return fmt.Errorf("-%s %s=%s: %w", f.direction, f.listen, f.target, err)
		}
		fmt.Printf("listening %s %s -> %s\n", f.direction, l.Addr(), f.target)
		go serve(l, f.target, func() (net.Conn, error) {
			var c net.Conn
			err := dialIn.do(host, func() (err error) { c, err = net.DialTimeout("tcp", f.target, 10*time.Second); return err })
			return c, err
		})
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	return nil
}

func serve(l net.Listener, target string, dial func() (net.Conn, error)) {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			log.Printf("accept on %s: %v", l.Addr(), err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go relay(c, target, dial)
	}
}

// relay copies both ways until each side has closed its half: a client that shuts down
// its write side (HTTP/1.0, gRPC half-close) still gets the whole answer.
func relay(client net.Conn, target string, dial func() (net.Conn, error)) {
	defer client.Close()
	upstream, err := dial()
	if err != nil {
		log.Printf("%s -> %s: %v", client.RemoteAddr(), target, err)
		return
	}
	defer upstream.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(upstream, client)
	go pipe(client, upstream)
	<-done
	<-done
}
