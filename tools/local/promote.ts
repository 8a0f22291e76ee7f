/**
 * Promotion and rollback through the local runner (`npm run promote -- …`):
 *
 *   promote <from> <to> [--service NAME] [--allow-other-changes]
 *       previews <to> first and prints each service's digest move; refuses when <from> has
 *       pending changes (its own preview is not empty), or when <to> would change anything
 *       besides the promoted images (unless --allow-other-changes); then runs `up`.
 *   promote --rollback <stack> [--service NAME]
 *       pins each service (or NAME) to the previous release the stack's own record holds
 *       (`releases.<service>.previous`), in Pulumi.<stack>.yaml, and runs `up`: no build.
 *
 * The plain-`pulumi` equivalent is in the README ("Environments").
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { EngineEvent, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import { CONFIG_NAMESPACE, parseStackConfigEntries } from "../../stack/config";
import { Release, releasesOf } from "../../stack/release";
import { DigestMove, formatMove, qualifiedStackName, selfName } from "../../stack/promotion";
import { stackIdentity } from "./preflight";
import { outputValues } from "./outputs";
import { otherChanges, PlannedChange } from "./promotion-changes";

export { otherChanges, PlannedChange };
import { openStack, repoRoot, runOperation } from "./stack";

/** A preview of STACK, resource by resource as the engine reports each step (property paths included). */
export async function plannedChanges(stack: Stack): Promise<{ changes: PlannedChange[]; summary: PreviewResult["changeSummary"] }> {
    const changes: PlannedChange[] = [];
    const onEvent = (event: EngineEvent) => {
        const m = event.resourcePreEvent?.metadata;
        if (m) changes.push({ op: m.op, type: m.type, urn: m.urn, paths: Object.keys(m.detailedDiff ?? {}).length > 0 ? Object.keys(m.detailedDiff ?? {}) : (m.diffs ?? []) });
    };
    const preview = await stack.preview({ onEvent, diff: true, color: "never" });
    return { changes, summary: preview.changeSummary };
}

/** The digest moves from the upstream's releases to the downstream's, for SERVICES. */
export function digestMoves(services: string[], upstream: Record<string, Release>, downstream: Record<string, Release>): DigestMove[] {
    return services.map((service) => ({ service, from: downstream[service]?.digest, to: upstream[service].digest, revision: upstream[service].revision }));
}

/** Where the command's lines go (the e2e captures them). */
export type PromoteLog = (line: string) => void;

const stdoutLog: PromoteLog = (line) => process.stdout.write(`[promote] ${line}\n`);

async function releasesOfStack(stack: Stack): Promise<Record<string, Release>> {
    return releasesOf(outputValues(await stack.outputs()));
}

/** The services of TO that promote from FROM, by TO's config as the program parses it (overrides merged). */
async function promotingServices(to: Stack, fromQualified: string): Promise<string[]> {
    const self = await stackIdentity(to);
    const config = parseStackConfigEntries(await to.getAllConfig());
    return config.services
        .filter((s) => s.image.source === "promote" && qualifiedStackName(s.image.fromStack, self) === fromQualified)
        .map((s) => s.name);
}

/** Sets `goship:overrides.<service>.image` in the stack file, keeping its comments. */
export function setImageOverride(stackName: string, service: string, image: Record<string, string>): void {
    const file = path.join(repoRoot, `Pulumi.${stackName}.yaml`);
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    doc.setIn(["config", `${CONFIG_NAMESPACE}:overrides`, service, "image"], doc.createNode(image));
    fs.writeFileSync(file, doc.toString());
}

async function timedUp(stack: Stack, log: PromoteLog): Promise<void> {
    const start = Date.now();
    await runOperation(stack, "up", { onOutput: () => undefined });
    log(`up of ${stack.name}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
}

export interface PromoteOptions {
    service?: string;
    allowOtherChanges?: boolean;
    log?: PromoteLog;
}

export async function promote(fromName: string, toName: string, options: PromoteOptions = {}): Promise<DigestMove[]> {
    const log = options.log ?? stdoutLog;
    const to = await openStack(toName);
    const from = await openStack(fromName);
    const fromQualified = qualifiedStackName(fromName, await stackIdentity(to));
    if (fromQualified === selfName(await stackIdentity(to))) throw new Error(`${toName} cannot promote from itself`);
    const services = await promotingServices(to, fromQualified);
    if (services.length === 0) {
        throw new Error(`${toName} promotes no service from ${fromName}: set goship:overrides.<service>.image to {source: promote, fromStack: ${fromName}} in Pulumi.${toName}.yaml`);
    }
    if (options.service && !services.includes(options.service)) {
        throw new Error(`--service ${options.service}: ${toName} does not promote it from ${fromName} (it promotes: ${services.join(", ")})`);
    }

    // The gate's evidence: the upstream's record is that of its last successful update.
    const [last] = await from.history(1, 1);
    if (last && last.result !== "succeeded") {
        log(`${fromName}'s last update (version ${last.version ?? "?"}) ${last.result}: its releases are still those of its last successful update, which is what promotes`);
    }
    log(`checking that ${fromName} has no pending changes`);
    const upstreamPreview = await runOperation(from, "preview", { onOutput: () => undefined });
    // Reads (the StackReference of its own upstream) change nothing.
    const pending = Object.entries(upstreamPreview.changes).filter(([op, n]) => op !== "same" && op !== "read" && (n ?? 0) > 0);
    if (pending.length > 0) {
        throw new Error(`${fromName} has pending changes (${pending.map(([op, n]) => `${n} to ${op}`).join(", ")}): its preview is not empty, so what it runs is not what its config says. Run up on ${fromName} first (or fix it), then promote`);
    }

    const upstream = await releasesOfStack(from);
    const downstream = await releasesOfStack(to);
    const missing = services.filter((s) => !upstream[s]);
    if (missing.length > 0) throw new Error(`${fromName} has no release of ${missing.join(", ")}: deploy it there first`);
    const moves = digestMoves(services, upstream, downstream);
    if (options.service) {
        const others = moves.filter((m) => m.service !== options.service && m.from !== m.to);
        if (others.length > 0) {
            throw new Error(`--service ${options.service}: ${others.map((m) => m.service).join(", ")} would move too (they promote from ${fromName}); promote without --service, or pin them (image: {source: pinned, ref: …})`);
        }
    }
    for (const m of moves) log(formatMove(m, fromQualified));

    const start = Date.now();
    const { changes, summary } = await plannedChanges(to);
    log(`preview of ${toName}: ${JSON.stringify(summary)} in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    const others = otherChanges(changes);
    if (others.length > 0 && !options.allowOtherChanges) {
        throw new Error(
            `${toName} would change more than the promoted images:\n${others.map((c) => `  ${c.op} ${c.urn}${c.paths.length ? ` (${c.paths.join(", ")})` : ""}`).join("\n")}\nreview them (pulumi preview --diff --stack ${toName}) and pass --allow-other-changes, or deploy them separately`,
        );
    }
    await timedUp(to, log);
    const after = await releasesOfStack(to);
    for (const m of moves) {
        if (after[m.service]?.digest !== m.to) throw new Error(`${toName}: ${m.service} runs ${after[m.service]?.digest ?? "nothing"} after the up, not ${m.to}`);
    }
    log(`${toName} runs ${moves.map((m) => `${m.service}@${m.to}`).join(", ")}`);
    return moves;
}

export async function rollback(stackName: string, options: { service?: string; log?: PromoteLog } = {}): Promise<DigestMove[]> {
    const log = options.log ?? stdoutLog;
    const stack = await openStack(stackName);
    const releases = await releasesOfStack(stack);
    const services = options.service ? [options.service] : Object.keys(releases);
    if (services.length === 0) throw new Error(`${stackName} exports no releases: nothing to roll back`);
    const moves: DigestMove[] = [];
    for (const service of services) {
        const release = releases[service];
        if (!release) throw new Error(`--service ${service}: ${stackName} has no release of it (releases: ${Object.keys(releases).join(", ") || "none"})`);
        if (!release.previous) throw new Error(`${stackName}: ${service} has no previous release on record (releases.${service}.previous); pin one with image: {source: pinned, ref: …}`);
        moves.push({ service, from: release.digest, to: release.previous.digest, revision: release.previous.revision });
        setImageOverride(stackName, service, { source: "pinned", ref: release.previous.ref, revision: release.previous.revision });
        log(`${service}: ${release.digest} → ${release.previous.digest} (pinned in Pulumi.${stackName}.yaml, revision ${release.previous.revision})`);
    }
    await timedUp(stack, log);
    return moves;
}

interface PromoteArgs {
    rollback?: string;
    from?: string;
    to?: string;
    service?: string;
    allowOtherChanges: boolean;
}

const USAGE = "usage: promote <from> <to> [--service NAME] [--allow-other-changes] | promote --rollback <stack> [--service NAME]";

export function parsePromoteArgs(argv: string[]): PromoteArgs {
    const args: PromoteArgs = { allowOtherChanges: false };
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--rollback") args.rollback = argv[++i];
        else if (a === "--service") args.service = argv[++i];
        else if (a === "--allow-other-changes") args.allowOtherChanges = true;
        else if (a.startsWith("-")) throw new Error(`unknown flag ${a}\n${USAGE}`);
        else positional.push(a);
    }
    if (args.rollback !== undefined) {
        if (!args.rollback || positional.length > 0) throw new Error(USAGE);
        return args;
    }
    if (positional.length !== 2) throw new Error(USAGE);
    [args.from, args.to] = positional;
    return args;
}

async function main(): Promise<void> {
    const args = parsePromoteArgs(process.argv.slice(2));
    const start = Date.now();
    if (args.rollback) await rollback(args.rollback, { service: args.service });
    else await promote(args.from!, args.to!, { service: args.service, allowOtherChanges: args.allowOtherChanges });
    stdoutLog(`done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`[promote] ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
