// pause is the node's pod sandbox process, in place of registry.k8s.io/pause (which
// cannot be pulled here): it holds the pod's namespaces open, reaps the zombies it
// inherits as PID 1 of a pod that shares its process namespace, and exits 0 on SIGINT or
// SIGTERM, as the upstream pause does.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
