/** What goship renders (components/deploy/pod.ts, security.ts), as plain props, fresh on each call. */
import { DEPLOYMENT, HPA, PDB } from "../lib/workloads";
import { TestResource } from "./harness";

export const DIGEST = "sha256:" + "a".repeat(64);
export const IMAGE = `127.0.0.1:5000/goship/hello@${DIGEST}`;

const labels = { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "hello", "app.kubernetes.io/part-of": "goship" };

export function container(): any {
    return {
        name: "hello",
        image: IMAGE,
        resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
        startupProbe: { httpGet: { path: "/healthz", port: "http" } },
        livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
        readinessProbe: { httpGet: { path: "/readyz", port: "http" } },
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/** REPLICAS null: omitted, as for an HPA-managed Deployment. */
export function deployment(replicas: number | null = 2): any {
    return {
        metadata: { name: "hello", namespace: "goship-dev", labels },
        spec: {
            ...(replicas === null ? {} : { replicas }),
            selector: { matchLabels: { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "hello" } },
            template: {
                metadata: { labels },
                spec: {
                    os: { name: "linux" },
                    securityContext: { runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [container()],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "32Mi" } }],
                    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" }],
                },
            },
        },
    };
}

/** A Windows pod as goship renders it: identity only, no Linux-only fields. */
export function windowsDeployment(): any {
    const d = deployment();
    d.spec.template.spec.os = { name: "windows" };
    d.spec.template.spec.securityContext = { runAsNonRoot: true, windowsOptions: { runAsUserName: "ContainerUser" } };
    d.spec.template.spec.containers[0].securityContext = { runAsNonRoot: true, windowsOptions: { runAsUserName: "ContainerUser" } };
    return d;
}

export const asDeployment = (props: object, name = "hello"): TestResource => ({ type: DEPLOYMENT, props, name });

export function pdb(matchLabels: Record<string, string> = { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "hello" }): TestResource {
    return { type: PDB, name: "hello-pdb", props: { metadata: { name: "hello", namespace: "goship-dev" }, spec: { maxUnavailable: 1, selector: { matchLabels } } } };
}

export function hpa(minReplicas: number, target = "hello"): TestResource {
    return { type: HPA, name: "hello-hpa", props: { metadata: { name: "hello", namespace: "goship-dev" }, spec: { minReplicas, maxReplicas: 6, scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target } } } };
}
