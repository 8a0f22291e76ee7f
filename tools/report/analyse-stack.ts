/**
 * One stack's preview, from its engine events, as a StackReport: which resources change
 * and how (property by property, secrets hidden), which goship service each belongs to,
 * what happens to each service's image (rebuilt, promoted old → new, unchanged), policy
 * findings and the promotion gates. Pure: the same events give the same report.
 */
import { EngineEvent, StepEventMetadata } from "./events";
import { Gate, ImageStatus, PolicyFinding, PropertyChange, ResourceChange, ServiceRow, StackReport } from "./model";
import { Enforcement, policyResults } from "../local/policy-events";
import { otherChanges } from "../local/promotion-changes";
import { digestOfRef, lookup, shortDigest, showChange, UNKNOWN } from "./values";

const SERVICE_TYPE = "goship:index:GoService";
const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
const IMAGE_TYPE = "docker-build:index:Image";
const INDEX_TYPE = "docker-build:index:Index";
/** Steps that change nothing: left out of the report's changes. */
const QUIET_OPS = new Set(["same", "read", "refresh", "discard", "import"]);
/** The program's line per image of what it carries (components/supply-chain/supply-chain.ts summaryLine). */
const SUPPLY_CHAIN_LINE = "goship supply chain: ";

/** The engine's closing line of a failed operation: the reasons are the other diagnostics. */
const GENERIC_ERRORS = [/^(preview|update) failed$/];
/** Warnings every build preview prints: not news. */
const ROUTINE_WARNINGS = [/^Skipping preview build because some inputs are unknown\.?$/];
/** Properties that are churn to a reviewer: the build context's hash (pulumi-docker-build#738). */
const QUIET_PROPERTIES: Record<string, RegExp> = { [IMAGE_TYPE]: /^contextHash$/ };

interface Step {
    meta: StepEventMetadata;
    op: ResourceChange["op"] | "same";
}

export interface AnalyseOptions {
    /** Nothing this stack depends on changed, so any change is a finding. */
    mustNotChange?: boolean;
    /**
     * The level the stack's policies are configured at (goship:policy). The engine reports
     * a policy that could not run at preview as advisory whatever its level.
     */
    enforcement?: Enforcement;
}

const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** The engine's op for a step, with a replacement's three steps folded into one. */
function foldOp(op: string): Step["op"] | undefined {
    switch (op) {
        case "create":
        case "update":
        case "delete":
            return op;
        case "replace":
        case "create-replacement":
        case "delete-replaced":
            return "replace";
        case "same":
            return "same";
        default:
            return QUIET_OPS.has(op) ? "same" : undefined;
    }
}

/** Each resource's step (a replacement's "replace" step wins over its halves). */
function stepsOf(events: readonly EngineEvent[]): Map<string, Step> {
    const steps = new Map<string, Step>();
    for (const e of events) {
        const meta = e.resourcePreEvent?.metadata;
        if (!meta) continue;
        const op = foldOp(meta.op);
        if (!op) continue;
        const known = steps.get(meta.urn);
        if (known && known.op === "replace" && meta.op !== "replace") continue;
        steps.set(meta.urn, { meta, op });
    }
    return steps;
}

/** The goship service a resource belongs to: its nearest GoService ancestor. */
function serviceOf(urn: string, steps: Map<string, Step>): string | undefined {
    let current: string | undefined = urn;
    for (let hops = 0; current && hops < 50; hops++) {
        const step = steps.get(current);
        if (!step) return undefined;
        if (step.meta.type === SERVICE_TYPE) return nameOf(current);
        current = step.meta.new?.parent || step.meta.old?.parent || undefined;
    }
    return undefined;
}

function labelOf(meta: StepEventMetadata): string {
    const state = meta.new ?? meta.old;
    if (meta.type.startsWith("kubernetes:") && !meta.type.startsWith("pulumi:")) {
        const md = (state?.inputs?.metadata ?? state?.outputs?.metadata ?? {}) as { name?: unknown; namespace?: unknown };
        const kind = meta.type.slice(meta.type.lastIndexOf(":") + 1);
        const name = typeof md.name === "string" && md.name !== UNKNOWN ? md.name : nameOf(meta.urn);
        return typeof md.namespace === "string" ? `${kind} ${md.namespace}/${name}` : `${kind} ${name}`;
    }
    return `${meta.type} ${nameOf(meta.urn)}`;
}

function propertyChanges(meta: StepEventMetadata): { properties: PropertyChange[]; quieted: string[] } {
    const detailed = meta.detailedDiff ?? {};
    const paths = Object.keys(detailed).length > 0 ? Object.keys(detailed) : [...(meta.diffs ?? [])];
    const quiet = QUIET_PROPERTIES[meta.type];
    const properties: PropertyChange[] = [];
    const quieted: string[] = [];
    for (const path of [...new Set(paths)].sort()) {
        if (quiet?.test(path)) {
            quieted.push(path);
            continue;
        }
        const fromInputs = (props: Record<string, unknown> | undefined) => lookup(props ?? {}, path);
        let before = fromInputs(meta.old?.inputs);
        if (!before.found) before = fromInputs(meta.old?.outputs);
        let after = fromInputs(meta.new?.inputs);
        if (!after.found && meta.new?.outputs) after = fromInputs(meta.new.outputs);
        const shown = showChange(before, after);
        properties.push({ path, kind: detailed[path]?.diffKind ?? "update", old: shown.old, new: shown.new, secret: shown.secret });
    }
    return { properties, quieted };
}

/** The last outputs the engine reported for a resource of TYPE (the Stack's are its new outputs). */
function lastOutputs(events: readonly EngineEvent[], type: string): Map<string, Record<string, unknown>> {
    const outputs = new Map<string, Record<string, unknown>>();
    for (const e of events) {
        const meta = e.resOutputsEvent?.metadata;
        if (meta?.type === type && meta.new?.outputs) outputs.set(meta.urn, meta.new.outputs);
    }
    return outputs;
}

interface ReleaseView {
    digest?: string;
    origin?: string;
    fromStack?: string;
    revision?: string;
}

function releaseViews(outputs: Record<string, unknown> | undefined): Record<string, ReleaseView> {
    const releases = outputs?.releases;
    if (typeof releases !== "object" || releases === null) return {};
    const views: Record<string, ReleaseView> = {};
    for (const [svc, r] of Object.entries(releases as Record<string, unknown>)) {
        if (typeof r !== "object" || r === null) continue;
        const o = r as Record<string, unknown>;
        const str = (k: string) => (typeof o[k] === "string" && o[k] !== UNKNOWN ? (o[k] as string) : undefined);
        views[svc] = { digest: str("digest"), origin: str("origin"), fromStack: str("fromStack"), revision: str("revision") };
    }
    return views;
}

function deploymentImage(state: StepEventMetadata["new"]): string | undefined {
    const containers = (state?.inputs as { spec?: { template?: { spec?: { containers?: Array<{ image?: unknown }> } } } } | undefined)?.spec?.template?.spec?.containers;
    return digestOfRef(containers?.[0]?.image);
}

function imageStatus(service: string, steps: Step[], changes: ResourceChange[], release: ReleaseView | undefined): ImageStatus {
    const builds = changes.filter((c) => c.type === IMAGE_TYPE);
    const deployment = steps.find((s) => s.meta.type === DEPLOYMENT_TYPE);
    const before = deploymentImage(deployment?.meta.old);
    const after = deploymentImage(deployment?.meta.new);
    if (builds.length > 0) {
        const platforms = new Set<string>();
        for (const s of steps.filter((s) => s.meta.type === IMAGE_TYPE && s.op !== "same")) {
            const p = s.meta.new?.inputs?.platforms;
            if (Array.isArray(p)) p.forEach((x) => typeof x === "string" && platforms.add(x));
        }
        const isNew = builds.every((b) => b.op === "create");
        const source = builds.some((b) => b.quieted.includes("contextHash") || b.op === "replace");
        return { kind: "rebuilt", reason: isNew ? "new" : source ? "source changed" : "recipe changed", platforms: [...platforms].sort(), from: before };
    }
    if (deployment?.op === "delete") return { kind: "removed", from: before };
    if (after === undefined) return { kind: "unchanged" };
    if (before === after) return { kind: "unchanged", digest: after, fromStack: release?.origin === "promoted" ? release.fromStack : undefined };
    const copied = changes.some((c) => c.type === INDEX_TYPE && c.urn.endsWith(`::${service}-copy`));
    if (release?.origin === "promoted") return { kind: "promoted", from: before, to: after, fromStack: release.fromStack, revision: release.revision, copied };
    if (release?.origin === "pinned") return { kind: "pinned", from: before, to: after, revision: release.revision };
    return { kind: "moved", from: before, to: after };
}

/** A promoted service runs exactly the digest its upstream released (what the policy pack checks too). */
function promotionGate(service: string, status: ImageStatus, release: ReleaseView | undefined, upstreams: Map<string, Record<string, ReleaseView>>): Gate | undefined {
    if (release?.origin !== "promoted" || !release.fromStack) return undefined;
    const upstream = upstreams.get(release.fromStack)?.[service];
    const runs = status.kind === "promoted" ? status.to : status.kind === "unchanged" ? status.digest : undefined;
    if (!upstream?.digest) return { name: "upstream release", ok: false, detail: `${release.fromStack} has no release of ${service}` };
    const ok = runs === upstream.digest;
    return {
        name: "upstream release",
        ok,
        detail: ok ? `= ${release.fromStack} ${shortDigest(upstream.digest)}` : `${shortDigest(runs)} ≠ ${release.fromStack} ${shortDigest(upstream.digest)}`,
    };
}

function byService(findings: PolicyFinding[], service: string | undefined): PolicyFinding[] {
    return findings.filter((f) => f.service === service);
}

/**
 * A stack nothing in the change touches must not change. Its upstream may have released
 * since its last promotion, though: a preview that is exactly that promotion (the digest
 * move of promoted services, their copy and tags) is pending, not caused by the change.
 */
function noChangeGate(changes: ResourceChange[], services: ServiceRow[]): Gate {
    const name = "no changes expected";
    if (changes.length === 0) return { name, ok: true, detail: "nothing changes" };
    const promoted = new Set(services.filter((s) => s.image.kind === "promoted").map((s) => s.service));
    const planned = changes.map((c) => ({ op: c.op, type: c.type, urn: c.urn, paths: [...c.properties.map((p) => p.path), ...c.quieted] }));
    if (promoted.size > 0 && changes.every((c) => c.service !== undefined && promoted.has(c.service)) && otherChanges(planned).length === 0) {
        return { name, ok: true, detail: `only the pending promotion of ${[...promoted].sort().join(", ")} (its upstream's release, not this change)` };
    }
    return { name, ok: false, detail: `${changes.length} resource${changes.length === 1 ? "" : "s"} would change` };
}

/** STACK's preview, from its engine events. */
export function analyseStack(stack: string, events: readonly EngineEvent[], options: AnalyseOptions = {}): StackReport {
    const steps = stepsOf(events);
    const changes: ResourceChange[] = [];
    for (const [urn, step] of [...steps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (step.op === "same" || step.meta.type === SERVICE_TYPE || step.meta.type.startsWith("goship:")) continue;
        const { properties, quieted } = step.op === "update" || step.op === "replace" ? propertyChanges(step.meta) : { properties: [], quieted: [] };
        changes.push({ urn, type: step.meta.type, label: labelOf(step.meta), op: step.op, service: serviceOf(urn, steps), properties, quieted });
    }

    const stackOutputs = [...lastOutputs(events, "pulumi:pulumi:Stack").values()].pop();
    const releases = releaseViews(stackOutputs);
    const upstreams = new Map<string, Record<string, ReleaseView>>();
    for (const outputs of lastOutputs(events, "pulumi:pulumi:StackReference").values()) {
        if (typeof outputs.name === "string") upstreams.set(outputs.name, releaseViews(outputs.outputs as Record<string, unknown> | undefined));
    }

    const policy = policyResults(events, () => options.enforcement);
    const finding = (f: { policyName: string; policyPack: string; resourceUrn?: string; message: string }, level: Enforcement): PolicyFinding => ({
        policy: f.policyName,
        pack: f.policyPack,
        level,
        message: f.message,
        urn: f.resourceUrn,
        service: f.resourceUrn ? serviceOf(f.resourceUrn, steps) : undefined,
    });
    const violations = policy.violations.map((v) => finding(v, v.enforcementLevel));
    const couldNotRun = policy.couldNotRun.map((c) => finding({ ...c, message: c.reason }, c.configuredLevel));
    /** The policies that passed on the resources of SERVICE (undefined: the stack's own and stack-wide ones). */
    const passed = (service: string | undefined): number =>
        new Set(policy.summaries.filter((p) => (p.resourceUrn ? serviceOf(p.resourceUrn, steps) : undefined) === service).flatMap((p) => p.passed)).size;

    const serviceNames = [...new Set([...steps.values()].filter((s) => s.meta.type === SERVICE_TYPE).map((s) => nameOf(s.meta.urn)))].sort();
    const services: ServiceRow[] = serviceNames.map((service) => {
        const own = [...steps.values()].filter((s) => serviceOf(s.meta.urn, steps) === service);
        const ownChanges = changes.filter((c) => c.service === service);
        const image = imageStatus(service, own, ownChanges, releases[service]);
        const gate = promotionGate(service, image, releases[service], upstreams);
        return {
            service,
            image,
            objects: ownChanges.filter((c) => c.type.startsWith("kubernetes:")),
            violations: byService(violations, service),
            couldNotRun: byService(couldNotRun, service),
            policiesPassed: passed(service),
            gates: gate ? [gate] : [],
        };
    });

    const summary = [...events].reverse().find((e) => e.summaryEvent)?.summaryEvent as (NonNullable<EngineEvent["summaryEvent"]> & { result?: string; PolicyPacks?: Record<string, string> }) | undefined;
    const diagnostics = (severity: string) =>
        [...new Set(events.filter((e) => e.diagnosticEvent?.severity === severity).map((e) => (e.diagnosticEvent?.message ?? "").trim()))].filter(
            (m) => m !== "" && !ROUTINE_WARNINGS.some((r) => r.test(m)),
        );
    const errors = diagnostics("error").filter((m) => !GENERIC_ERRORS.some((r) => r.test(m)));
    const packs = summary?.PolicyPacks ?? summary?.policyPacks ?? {};
    const mustNotChange = options.mustNotChange ?? false;
    const gates: Gate[] = mustNotChange ? [noChangeGate(changes, services)] : [];
    return {
        stack,
        result: summary?.result === "succeeded" && errors.length === 0 ? "succeeded" : "failed",
        counts: { ...(summary?.resourceChanges ?? {}) } as Record<string, number>,
        changes,
        services,
        errors,
        warnings: diagnostics("warning"),
        supplyChain: diagnostics("info").filter((m) => m.startsWith(SUPPLY_CHAIN_LINE)),
        // The engine keys a local pack `name|local|<its directory>`: the name and version say it.
        policyPacks: Object.entries(packs).map(([name, version]) => `${name.split("|")[0]}@v${version}`).sort(),
        stackViolations: byService(violations, undefined),
        stackCouldNotRun: byService(couldNotRun, undefined),
        stackPoliciesPassed: passed(undefined),
        mustNotChange,
        gates,
    };
}
