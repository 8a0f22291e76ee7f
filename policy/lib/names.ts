/**
 * The pack's name and its policies' names, and the config each one reads. No imports: the
 * runner (tools/local/policy.ts) compiles this file too, so the config it writes and the
 * names it reports are the pack's own.
 */
export const PACK_NAME = "goship";

export const POLICY = {
    imageDigest: "image-pinned-by-digest",
    imageRegistry: "image-registry-allowed",
    imageNoLatest: "image-no-latest-tag",
    resources: "container-resources",
    probes: "container-probes",
    nonRoot: "pod-runs-as-non-root",
    readOnlyRoot: "container-read-only-root-filesystem",
    noPrivilegeEscalation: "container-no-privilege-escalation",
    capabilitiesDropped: "container-capabilities-dropped",
    seccomp: "pod-seccomp-runtime-default",
    hostPath: "no-host-path",
    pdb: "pdb-for-replicated-deployment",
    productionReplicas: "production-min-replicas",
    productionSpread: "production-topology-spread",
    ecrScanOnPush: "ecr-scan-on-push",
    ecrImmutableTags: "ecr-immutable-tags",
    promotedDigest: "promoted-digest-matches-upstream",
} as const;

export type PolicyName = (typeof POLICY)[keyof typeof POLICY];
export const POLICY_NAMES: readonly PolicyName[] = Object.values(POLICY);

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** `allowedRegistries` of image-registry-allowed: `host[:port][/path]`, `*` for one DNS label. */
export interface RegistryConfig {
    allowedRegistries: string[];
}

/** `production` of the production-only policies. */
export interface ProductionConfig {
    production: boolean;
}

/** `expected` of promoted-digest-matches-upstream: service name → the upstream's released digest. */
export interface PromotedDigestConfig {
    expected: Record<string, string>;
}

/** One policy's entry of a policy-pack config file (`--policy-pack-config`). */
export type PolicyEntry = { enforcementLevel: EnforcementLevel } & Partial<RegistryConfig & ProductionConfig & PromotedDigestConfig>;

/**
 * The tags goship moves, exempt from ECR tag immutability: components/publish/tags.ts
 * MUTABLE_TAG_PATTERNS, repeated here so the pack stands alone (test/unit/policy-names.test.ts
 * keeps the two equal).
 */
export const GOSHIP_MUTABLE_TAG_FILTERS: readonly string[] = ["stack-*", "buildcache-*", "*-dirty*"];
