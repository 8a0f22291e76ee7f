// Package server is goship's sample HTTP service: configuration from the environment,
// the endpoints, and a lifecycle that keeps Kubernetes' view of the pod accurate
// (not ready while warming up or draining, live throughout).
//
// Nothing in this module imports os/user, and nothing should: on Windows nanoserver
// images os/user panics (the account APIs it calls are missing there), and the service
// has no need for a user name. Run as a numeric user / ContainerUser instead.
package server
