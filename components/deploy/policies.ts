import * as k8s from "@pulumi/kubernetes";
import { Labels } from "./labels";
import { HTTP_PORT_NAME } from "./probes";

type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type PodDisruptionBudgetSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;
type HorizontalPodAutoscalerSpec = k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec;
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** The Service's port (an Ingress or HTTPRoute sends traffic there). */
export const SERVICE_PORT = 80;

/** ClusterIP Service on port 80 → the container's named port. */
export function renderServiceSpec(selector: Labels): ServiceSpec {
    return {
        type: "ClusterIP",
        selector,
        ports: [{ name: HTTP_PORT_NAME, port: SERVICE_PORT, targetPort: HTTP_PORT_NAME, protocol: "TCP" }],
    };
}

/** One pod at a time may be evicted; unhealthy pods never block a node drain. */
export function renderPdbSpec(selector: Labels): PodDisruptionBudgetSpec {
    return { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: selector } };
}

export function renderHpaSpec(o: { deploymentName: string; minReplicas: number; maxReplicas: number; targetCpuUtilization: number }): HorizontalPodAutoscalerSpec {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: o.deploymentName },
        minReplicas: o.minReplicas,
        maxReplicas: o.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: o.targetCpuUtilization } } }],
    };
}

/**
 * Default-deny with the holes a web service needs: ingress to its port, egress to cluster
 * DNS, plus any CIDRs the config lists. Selects pods by one label (Polaris checks one).
 */
export function renderNetworkPolicySpec(o: { name: string; port: number; egressCidrs: string[] }): NetworkPolicySpec {
    const egress: NetworkPolicySpec["egress"] = [
        {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ],
        },
    ];
    if (o.egressCidrs.length > 0) {
        egress.push({ to: o.egressCidrs.map((cidr) => ({ ipBlock: { cidr } })) });
    }
    return {
        podSelector: { matchLabels: { "app.kubernetes.io/instance": o.name } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ ports: [{ protocol: "TCP", port: o.port }] }],
        egress,
    };
}

/**
 * Pod Security labels for the namespace: enforce "restricted" unless a service needs
 * hostPath (timezone mode hostPath), which only "privileged" admits; warn and audit at
 * "restricted" either way so the exception stays visible.
 */
export function namespaceSecurityLabels(needsHostPath: boolean): Labels {
    return {
        "pod-security.kubernetes.io/enforce": needsHostPath ? "privileged" : "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    };
}
