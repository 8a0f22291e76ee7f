import { z } from "zod";
import { httpPath } from "./k8s-names";

/**
 * Startup, liveness and readiness probes, by kind (components/deploy/probes.ts renders
 * them): one schema per kind, so a kind cannot carry another kind's fields.
 */

/** Timings every probe kind shares. */
const probeTimings = {
    /** Seconds between liveness and readiness probes. @default 10 */
    periodSeconds: z.int().min(1).max(300).default(10),
    /** Seconds a probe may take. @default 2 */
    timeoutSeconds: z.int().min(1).max(60).default(2),
    /** Failures before liveness restarts the container or readiness takes it out of rotation. @default 3 */
    failureThreshold: z.int().min(1).max(30).default(3),
    /** Startup probe failures (every 2 s) allowed before the container is restarted. @default 30 */
    startupFailureThreshold: z.int().min(1).max(600).default(30).describe("startup probe failures (x periodSeconds) allowed before the container is restarted"),
};

const httpProbes = z
    .strictObject({
        /** @default "http" */
        type: z.literal("http").default("http"),
        /** @default "/healthz" */
        livenessPath: httpPath.default("/healthz"),
        /** @default "/readyz" */
        readinessPath: httpPath.default("/readyz"),
        /** @default "/healthz" */
        startupPath: httpPath.default("/healthz"),
        ...probeTimings,
    })
    .superRefine((p, ctx) => {
        if (p.livenessPath === p.readinessPath) {
            ctx.addIssue({
                code: "custom",
                path: ["readinessPath"],
                message: `liveness and readiness both probe ${p.livenessPath}; give readiness its own path (e.g. /readyz) so a busy pod is taken out of rotation instead of restarted`,
            });
        }
    });

/** Why liveness and readiness must differ: the two fire on different trouble (kube-score pod-probes-identical). */
const DISTINCT_PROBES = "a pod failing readiness would be restarted instead of taken out of rotation (kube-score pod-probes-identical)";

const grpcProbes = z
    .strictObject({
        type: z.literal("grpc"),
        /** gRPC health service name readiness checks; "" asks for the server's overall health. @default "" */
        grpcService: z.string().default("").describe("gRPC health service name readiness checks (type grpc); empty checks the server"),
        /**
         * gRPC health service name liveness and startup check ("" is the server's overall
         * health); must differ from grpcService. @default unset: a TCP connect to the port
         */
        livenessService: z.string().optional().describe("gRPC health service name liveness and startup check (type grpc); unset: a TCP connect to the port"),
        ...probeTimings,
    })
    .superRefine((p, ctx) => {
        if (p.livenessService === p.grpcService) {
            ctx.addIssue({
                code: "custom",
                path: ["livenessService"],
                message: `liveness and readiness would both ask the gRPC health service "${p.livenessService}": ${DISTINCT_PROBES}; remove livenessService (liveness then connects to the port) or name another service`,
            });
        }
    });

const execCommand = z
    .array(z.string(), { error: (issue) => (issue.input === undefined ? "required when probes.type is exec (a command that exits 0 when healthy)" : undefined) })
    .min(1, "must name a command");

const execProbes = z
    .strictObject({
        type: z.literal("exec"),
        /** Command that exits 0 while the process is alive. Required. */
        livenessCommand: execCommand.describe("exec liveness command (type exec)"),
        /** Command that exits 0 while the process can serve; must differ from livenessCommand. Required. */
        readinessCommand: execCommand.describe("exec readiness command (type exec)"),
        /** Command that exits 0 once the process has started. @default livenessCommand */
        startupCommand: execCommand.optional().describe("exec startup command (type exec); livenessCommand when unset"),
        ...probeTimings,
    })
    .superRefine((p, ctx) => {
        if (JSON.stringify(p.livenessCommand) === JSON.stringify(p.readinessCommand)) {
            ctx.addIssue({
                code: "custom",
                path: ["readinessCommand"],
                message: `liveness and readiness both run ${JSON.stringify(p.readinessCommand)}: ${DISTINCT_PROBES}; give readiness a command of its own (e.g. the same binary with another flag)`,
            });
        }
    })
    .transform((p) => ({ ...p, startupCommand: p.startupCommand ?? p.livenessCommand }));

/**
 * Startup, liveness and readiness probes, by kind: `http` (the default when `type` is
 * left out), `grpc` or `exec`. A kind cannot carry another kind's fields.
 */
export const probesSchema = z
    .discriminatedUnion("type", [httpProbes, grpcProbes, execProbes], { message: 'must have type "http" (paths), "grpc" (grpcService) or "exec" (commands)' })
    .prefault({});

/** Probe settings, validated: one of the three kinds. */
export type ProbeSpec = z.output<typeof probesSchema>;
