import * as k8s from "@pulumi/kubernetes";
import { ProbeSpec } from "./args";

type Probe = k8s.types.input.core.v1.Probe;

/** The container port name probes and the Service target: a named TCP port. */
export const HTTP_PORT_NAME = "http";

export interface ContainerProbes {
    startupProbe: Probe;
    livenessProbe: Probe;
    readinessProbe: Probe;
}

/** Polling interval of the startup probe: short, so a fast start is noticed quickly. */
const STARTUP_PERIOD_SECONDS = 2;

/**
 * Startup, liveness and readiness probes. Liveness and readiness are distinct by default
 * (the schema refuses them equal): failing readiness takes a pod out of rotation, failing
 * liveness restarts it, and the two must not fire together. http: different paths; grpc:
 * readiness asks the gRPC health service `grpcService`, liveness (and startup) connects to
 * the port, or asks `livenessService` when set; exec: the given commands.
 */
export function renderProbes(spec: ProbeSpec, port: number): ContainerProbes {
    const check = (which: "startup" | "liveness" | "readiness"): Probe => {
        switch (spec.type) {
            case "http":
                return { httpGet: { path: spec[`${which}Path`], port: HTTP_PORT_NAME, scheme: "HTTP" } };
            case "grpc": {
                // The gRPC probe takes a numeric port only.
                if (which === "readiness") return { grpc: { port, service: spec.grpcService } };
                return spec.livenessService === undefined ? { tcpSocket: { port: HTTP_PORT_NAME } } : { grpc: { port, service: spec.livenessService } };
            }
            case "exec":
                return { exec: { command: spec[`${which}Command`] } };
        }
    };
    const timing = { timeoutSeconds: spec.timeoutSeconds, successThreshold: 1 };
    return {
        startupProbe: {
            ...check("startup"),
            ...timing,
            periodSeconds: STARTUP_PERIOD_SECONDS,
            failureThreshold: spec.startupFailureThreshold,
        },
        livenessProbe: { ...check("liveness"), ...timing, periodSeconds: spec.periodSeconds, failureThreshold: spec.failureThreshold },
        readinessProbe: { ...check("readiness"), ...timing, periodSeconds: spec.periodSeconds, failureThreshold: spec.failureThreshold },
    };
}
