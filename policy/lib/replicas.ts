import { PolicyResource } from "@pulumi/policy";
import { Deployment, DEPLOYMENT, HorizontalPodAutoscaler, HPA } from "./workloads";

/** A Deployment of the stack and how many pods it keeps at least. */
export interface DeploymentReplicas {
    resource: PolicyResource;
    deployment: Deployment;
    /** spec.replicas; for an HPA-managed Deployment (replicas omitted) the HPA's minReplicas. */
    minimum: number;
    /** Where `minimum` comes from, for messages. */
    source: string;
}

/** Each Deployment with its minimum pod count (Kubernetes defaults: replicas 1, HPA minReplicas 1). */
export function deploymentReplicas(resources: PolicyResource[]): DeploymentReplicas[] {
    const hpas = resources.filter((r) => r.type === HPA).map((r) => r.props as HorizontalPodAutoscaler);
    return resources
        .filter((r) => r.type === DEPLOYMENT)
        .map((resource) => {
            const deployment = resource.props as Deployment;
            const meta = deployment.metadata ?? {};
            const replicas = deployment.spec?.replicas;
            if (replicas !== undefined) return { resource, deployment, minimum: replicas, source: `spec.replicas ${replicas}` };
            const hpa = hpas.find(
                (h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === meta.name && (h.metadata?.namespace ?? "") === (meta.namespace ?? ""),
            );
            if (hpa) {
                const min = hpa.spec?.minReplicas ?? 1;
                return { resource, deployment, minimum: min, source: `HorizontalPodAutoscaler ${hpa.metadata?.name ?? "?"} minReplicas ${min}` };
            }
            return { resource, deployment, minimum: 1, source: "spec.replicas unset (1)" };
        });
}
