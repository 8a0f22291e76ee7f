/** What the report says about each stack, as plain data (analyse-stack.ts makes it, markdown.ts prints it). */

/** One property of a changed resource: its path as the engine reports it, both sides as shown. */
export interface PropertyChange {
    path: string;
    kind: string;
    old: string;
    new: string;
    secret: boolean;
}

/** A resource the preview would create, update, replace or delete. */
export interface ResourceChange {
    urn: string;
    /** Pulumi type token, e.g. kubernetes:apps/v1:Deployment. */
    type: string;
    /** What a reviewer recognises: `Deployment goship-dev/hello` or the Pulumi name. */
    label: string;
    op: "create" | "update" | "replace" | "delete";
    /** The goship service it belongs to; undefined for stack-wide resources (namespace, PriorityClass). */
    service?: string;
    properties: PropertyChange[];
    /** Properties left out on purpose (the build context's hash), by path. */
    quieted: string[];
}

export type ImageStatus =
    | { kind: "rebuilt"; reason: "source changed" | "recipe changed" | "new"; platforms: string[]; from?: string }
    | { kind: "promoted"; from?: string; to: string; fromStack?: string; revision?: string; copied: boolean }
    | { kind: "pinned"; from?: string; to: string; revision?: string }
    | { kind: "moved"; from?: string; to: string }
    | { kind: "unchanged"; digest?: string; fromStack?: string }
    | { kind: "removed"; from?: string };

export interface PolicyFinding {
    policy: string;
    pack: string;
    /** For a policy that could not run: the level it is configured at. */
    level: "advisory" | "mandatory";
    /** The engine's message (a violation: the policy's description, then what is wrong; could not run: why). */
    message: string;
    urn?: string;
    service?: string;
}

export interface Gate {
    name: string;
    ok: boolean;
    detail: string;
}

export interface ServiceRow {
    service: string;
    image: ImageStatus;
    /** Kubernetes objects that change, e.g. `~ Deployment hello`. */
    objects: ResourceChange[];
    violations: PolicyFinding[];
    couldNotRun: PolicyFinding[];
    /** How many distinct policies passed on the service's resources. */
    policiesPassed: number;
    gates: Gate[];
}

export interface StackReport {
    stack: string;
    /** The engine's verdict for the preview. */
    result: "succeeded" | "failed";
    /** Resource counts by step, as the engine summed them (same and read included). */
    counts: Record<string, number>;
    changes: ResourceChange[];
    services: ServiceRow[];
    /** Errors the preview reported (the program's refusals, provider failures). */
    errors: string[];
    /** Warnings worth a reviewer's eye (not the build's "skipping preview build"). */
    warnings: string[];
    /** What each image carries, as the program read it back (`goship supply chain: <service>: signed …; SBOM …`). */
    supplyChain?: string[];
    /** Policy packs that ran, `name@version`. */
    policyPacks: string[];
    /** Policy findings of stack-wide resources, or of the stack as a whole. */
    stackViolations: PolicyFinding[];
    stackCouldNotRun: PolicyFinding[];
    stackPoliciesPassed: number;
    /** The stack must not change in this pull request (nothing it depends on changed). */
    mustNotChange: boolean;
    gates: Gate[];
}
