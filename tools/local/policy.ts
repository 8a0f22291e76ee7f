/**
 * The CrossGuard pack for a stack run: which pack, and the policy-pack config file written
 * from the stack's goship:policy (never committed: under the state dir, .goship/policy/).
 *
 * The pack cannot read other stacks, so the runner hands it the upstream digests of the
 * promoted services (promoted-digest-matches-upstream's `expected`), from the same read
 * of the upstream release the promotion makes (stack/promotion.ts resolvePromotions).
 */
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { CONFIG_NAMESPACE, ConfigError, parseStackConfigEntries, PolicySettings, serviceSettingKey, StackConfig } from "../../stack/config";
import { Promotion, resolvePromotions } from "../../stack/promotion";
import { RENDER_IMAGE_REGISTRY, renderModeFrom } from "../../stack/target";
import { RegistryConfig } from "../../components/publish/registry";
import { EnforcementLevel, POLICY, POLICY_NAMES, PolicyEntry, PolicyName } from "../../policy/lib/names";
import { cliStackOutputs, stackIdentity } from "./preflight";
import { Enforcement } from "./policy-events";

/** The repository root: this file is compiled to <repo>/.build/tools/local/. */
const repoRoot = path.resolve(__dirname, "..", "..", "..");
/** The pack's directory; its dependencies come from `npm ci --prefix policy`. */
export const POLICY_PACK_DIR = path.join(repoRoot, "policy");

export interface PolicyOptions {
    /** Automation API `policyPacks` (preview and up). */
    policyPacks: string[];
    /** Automation API `policyPackConfigs`: the generated config file. */
    policyPackConfigs: string[];
}

/** What the runner needs besides the options: how to judge the results. */
export interface StackPolicy extends PolicyOptions {
    settings: PolicySettings;
    /** The level every policy runs at in this stack. */
    enforcement: Enforcement;
    /** The config written, by policy name (what the file holds). */
    config: Record<PolicyName, PolicyEntry>;
}

/** The level the stack's policies run at: as set, else mandatory in production, advisory elsewhere. */
export function enforcementOf(settings: PolicySettings): Enforcement {
    return settings.enforcement ?? (settings.production ? "mandatory" : "advisory");
}

/** The stack's own registry as an allowed-registry pattern (`*` stands for the AWS account). */
export function registryPattern(registry: RegistryConfig): string {
    const host = registry.type === "generic" ? registry.server : `*.dkr.ecr.${registry.region}.amazonaws.com`;
    return registry.repositoryPrefix ? `${host}/${registry.repositoryPrefix}` : host;
}

/**
 * The policy-pack config (pure): every policy at the stack's level, with its settings.
 * RENDER adds the render placeholder's registry (render mode deploys placeholders).
 */
export function policyPackConfig(config: StackConfig, expected: Record<string, string>, render: boolean): Record<PolicyName, PolicyEntry> {
    const settings = config.policy;
    const enforcementLevel: EnforcementLevel = enforcementOf(settings);
    const allowed = settings.allowedRegistries ?? (config.registry ? [registryPattern(config.registry)] : []);
    const entries = Object.fromEntries(POLICY_NAMES.map((name) => [name, { enforcementLevel }])) as Record<PolicyName, PolicyEntry>;
    entries[POLICY.imageRegistry].allowedRegistries = render ? [...allowed, RENDER_IMAGE_REGISTRY] : allowed;
    entries[POLICY.productionReplicas].production = settings.production;
    entries[POLICY.productionSpread].production = settings.production;
    entries[POLICY.promotedDigest].expected = expected;
    return entries;
}

/** Each promoted service's upstream digest, from the promotion's own resolution. */
export function expectedDigests(promotions: Record<string, Promotion>): Record<string, string> {
    return Object.fromEntries(Object.entries(promotions).map(([service, p]) => [service, p.release.digest]));
}

/**
 * The pack and its config for STACK. PROMOTED is what the runner's preflight already
 * resolved; without it (preflight off) the upstream releases are read here the same way.
 * Render mode reads no upstream stack, so nothing is expected there.
 */
export async function policyOptions(stack: Stack, promoted?: Record<string, Promotion>): Promise<StackPolicy> {
    const entries = await stack.getAllConfig();
    const config = parseStackConfigEntries(entries);
    const render = renderModeFrom() !== undefined;
    let promotions = promoted ?? {};
    if (!render && promoted === undefined) {
        const resolved = await resolvePromotions(config, await stackIdentity(stack), cliStackOutputs(stack), (i, name, p) => serviceSettingKey(entries, i, name, p));
        if (resolved.problems.length > 0) throw new ConfigError(resolved.problems);
        promotions = resolved.promotions;
    }
    const packConfig = policyPackConfig(config, render ? {} : expectedDigests(promotions), render);
    const file = path.join(process.env.GOSHIP_STATE ?? path.join(repoRoot, ".goship"), "policy", `${stack.name.split("/").pop()}.${render ? "render" : "live"}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(packConfig, null, 2) + "\n");
    checkPackInstalled();
    return { policyPacks: [POLICY_PACK_DIR], policyPackConfigs: [file], settings: config.policy, enforcement: enforcementOf(config.policy), config: packConfig };
}

/** The pack runs from its own node_modules; say how to get them rather than fail inside the CLI. */
function checkPackInstalled(): void {
    if (!fs.existsSync(path.join(POLICY_PACK_DIR, "node_modules", "@pulumi", "policy"))) {
        throw new Error(`${CONFIG_NAMESPACE}:policy: the policy pack's dependencies are missing (${POLICY_PACK_DIR}/node_modules); run: npm ci --prefix policy (tools/local/local.sh provision does)`);
    }
}
