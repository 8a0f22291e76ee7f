/**
 * When `pulumi up` may call a Deployment rolled out.
 *
 * pulumi-kubernetes' built-in Deployment await (provider/pkg/await/deployment.go) trusts the
 * Deployment's Progressing condition once the controller has observed the new generation,
 * and then the new ReplicaSet's readyReplicas against its *current* spec.replicas. The
 * controller can leave the previous rollout's `NewReplicaSetAvailable` reason in place
 * (its `NewReplicaSetCreated` status write is skipped when that write conflicts and the
 * retry finds the ReplicaSet already made), and with maxSurge 1 the new ReplicaSet starts
 * at one replica: so the up returned after the first new pod was ready, the old ones still
 * serving (seen on CI: local-prod at 1 of 3 updated replicas when the up had succeeded).
 * A release recorded as good that way could be promoted before it ever ran in full.
 *
 * The `pulumi.com/waitFor` annotation replaces that await with JSONPath conditions, each
 * checked only on a status whose observedGeneration is current: every replica updated,
 * available, none of the old ones left, and the controller's own verdict. With an HPA the
 * count is not known when the program runs, so the built-in await stays.
 */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";

/** The Deployment's annotations that make the provider wait for the whole rollout; none with an HPA. */
export function rolloutAwaitAnnotations(replicas: number | undefined): Record<string, string> {
    if (replicas === undefined) return {};
    const conditions = [
        `jsonpath={.status.updatedReplicas}=${replicas}`,
        `jsonpath={.status.availableReplicas}=${replicas}`,
        `jsonpath={.status.replicas}=${replicas}`,
        `jsonpath={.status.conditions[?(@.type=="Progressing")].reason}=NewReplicaSetAvailable`,
    ];
    return { [WAIT_FOR_ANNOTATION]: JSON.stringify(conditions) };
}
