package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// netns is a network namespace the relay can step into: the node's (a path such as
// /run/netns/goship-node) or the relay's own, the host's.
type netns struct {
	path string
	file *os.File
}

func openNetns(path string) (*netns, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", path, err)
	}
	return &netns{path: path, file: f}, nil
}

func setns(f *os.File) error {
	if _, _, errno := syscall.Syscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0); errno != 0 {
		return errno
	}
	return nil
}

// do runs fn on an OS thread switched into the namespace. A socket belongs to the
// namespace of the thread that created it, for its whole life, so a listener or a
// connection made inside fn stays in the namespace after the thread switches back.
func (n *netns) do(host *netns, fn func() error) error {
	runtime.LockOSThread()
	if err := setns(n.file); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("setns %s: %w", n.path, err)
	}
	fnErr := fn()
	if err := setns(host.file); err != nil {
		// The thread is stuck in the other namespace: leave it locked, so the runtime
		// ends it with this goroutine instead of reusing it.
		return fmt.Errorf("setns back to %s: %w", host.path, err)
	}
	runtime.UnlockOSThread()
	return fnErr
}

// same tells whether two namespace files are one namespace (the same nsfs inode).
func (n *netns) same(other *netns) (bool, error) {
	a, err := n.file.Stat()
	if err != nil {
		return false, err
	}
	b, err := other.file.Stat()
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}
