import * as pulumi from "@pulumi/pulumi";
import { CheckedKubeconfig, checkKubeconfig } from "./cluster";
import { CONFIG_NAMESPACE, ConfigEntries, ConfigError, parseStackConfigEntries, REGISTRY_PASSWORD_KEY, secretProblems, serviceSettingKey, StackConfig, unknownKeyProblems } from "./config";
import { ownReleases, Promotion, ReadStackOutputs, resolvePromotions, StackIdentity } from "./promotion";
import { Release } from "./release";
import { checkGoSources } from "./sources";
import { RegistryLogin } from "../components/publish/registry-api";
import { SupplyChainConfig, supplyChainProblems } from "./supply-chain";

export type RegistryAccess = (host: string, login: RegistryLogin | undefined) => Promise<void>;
/** Whether REF is in its registry with PLATFORMS (read with LOGIN); rejects with the reason. */
export type ImageAccess = (ref: string, platforms: readonly string[], login: RegistryLogin | undefined) => Promise<void>;
/** Problems of a deployed REF under the stack's supply-chain settings (signature, vulnerabilities). */
export type SupplyChainAccess = (ref: string, login: RegistryLogin | undefined, binaryName: string, config: SupplyChainConfig) => Promise<string[]>;

/** The login of the stack's generic registry, when it has one (username and the secret password). */
function stackLogin(config: StackConfig, entries: ConfigEntries): RegistryLogin | undefined {
    const registry = config.registry;
    if (registry?.type !== "generic" || registry.username === undefined) return undefined;
    const password = entries[`${CONFIG_NAMESPACE}:${REGISTRY_PASSWORD_KEY}`]?.value;
    return password === undefined ? undefined : { username: registry.username, password };
}

/**
 * A generic registry this stack pushes to (builds, or copies a promoted image into) must
 * let its login in, checked before anything is built or copied: a missing or wrong login
 * would otherwise fail halfway through an up. ECR logins come from AWS at run time.
 */
async function registryProblems(config: StackConfig, entries: ConfigEntries, access: RegistryAccess): Promise<string[]> {
    const registry = config.registry;
    if (registry?.type !== "generic") return [];
    try {
        await access(registry.server, stackLogin(config, entries));
        return [];
    } catch (err) {
        return [`${CONFIG_NAMESPACE}:registry: ${(err as Error).message}`];
    }
}


/**
 * Each promoted or pinned image is in its registry with every platform the service needs,
 * checked before any resource is registered. The component checks it too (for direct
 * users), but a failure inside a resource's inputs leaves the inline runner's preview
 * waiting forever; refused here, it is a clean error naming the key. ECR images are left
 * to the component: reading them needs the AWS token the program gets from its provider.
 */
async function deployedImageProblems(config: StackConfig, entries: ConfigEntries, promotions: Record<string, Promotion>, access: ImageAccess, supplyChain?: SupplyChainAccess): Promise<string[]> {
    const problems: string[] = [];
    for (const [i, spec] of config.services.entries()) {
        const ref = spec.image.source === "pinned" ? spec.image.ref : spec.image.source === "promote" ? promotions[spec.name]?.release.ref : undefined;
        const host = ref?.split("/")[0];
        if (ref === undefined || host === undefined || /\.dkr\.ecr\.[^.]+\.amazonaws\.com$/.test(host)) continue;
        try {
            // An image in the stack's own registry (a rollback pin to its earlier copy) reads with its login.
            const own = config.registry?.type === "generic" && config.registry.server === host;
            const login = own ? stackLogin(config, entries) : undefined;
            await access(ref, spec.platforms, login);
            if (supplyChain && config.supplyChain) {
                const key = serviceSettingKey(entries, i, spec.name, spec.image.source === "pinned" ? "image.ref" : "image.fromStack");
                problems.push(...(await supplyChain(ref, login, spec.name, config.supplyChain)).map((p) => `${key}: ${p}`));
            }
        } catch (err) {
            const key = serviceSettingKey(entries, i, spec.name, spec.image.source === "pinned" ? "image.ref" : "image.fromStack");
            problems.push(`${key}: ${(err as Error).message}`);
        }
    }
    return problems;
}

/**
 * The one check of a stack, made by the program before it registers any resource and by
 * the local runner before the CLI starts (tools/local/preflight.ts), so both refuse the
 * same input with the same lines: config keys and schema, required secrets and how they
 * are stored, the services' Go sources, the kubeconfig, the promotion sources.
 */
export interface StackInput {
    /** Every config entry of the stack (goship's are read). */
    entries: ConfigEntries;
    /** Directory relative service paths and the kubeconfig path start from. */
    projectDir: string;
    /** Render mode reads no kubeconfig and no upstream stack (stack/target.ts). */
    render: boolean;
    /** This stack's name, for upstream names and cycles. */
    self: StackIdentity;
    /** How to read another stack's outputs (and this stack's own last ones). */
    readStackOutputs: ReadStackOutputs;
    /** Whether a generic registry lets the login in (GET /v2/); rejects with the reason. */
    registryAccess: RegistryAccess;
    /** Whether a promoted or pinned image is in its registry; unchecked when absent (unit tests of other checks). */
    imageAccess?: ImageAccess;
    /** A promoted or pinned image against goship:supplyChain; unchecked when absent. */
    supplyChainAccess?: SupplyChainAccess;
}

/** What the check found good, for the program to build from. */
export interface CheckedStack {
    config: StackConfig;
    /** The cluster's kubeconfig; absent in render mode. */
    kubeconfig?: CheckedKubeconfig;
    /** Each promoted service's upstream release, by service name; empty in render mode. */
    promoted: Record<string, Promotion>;
    /** This stack's releases as its last successful update left them, by service; empty in render mode. */
    current: Record<string, Release>;
}

/** Every problem of the stack (empty when none), and what was checked. */
export type StackCheck = { problems: []; checked: CheckedStack } | { problems: string[]; checked?: undefined };

export async function checkStack(input: StackInput): Promise<StackCheck> {
    const unknown = unknownKeyProblems(input.entries);
    let config: StackConfig;
    try {
        config = parseStackConfigEntries(input.entries);
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return { problems: [...unknown, ...err.problems] };
    }
    const problems = [...unknown, ...secretProblems(config, input.entries), ...checkGoSources(config.services, config.build, input.projectDir, input.render)];
    if (!input.render) problems.push(...supplyChainProblems(config.supplyChain, input.projectDir, config.services.some((s) => s.image.source === "build")));
    if (input.render) {
        return problems.length > 0 ? { problems } : { problems: [], checked: { config, promoted: {}, current: {} } };
    }
    const kubeconfig = checkKubeconfig(config.kubernetes, input.projectDir);
    if ("problem" in kubeconfig) problems.push(kubeconfig.problem);
    if (problems.length === 0) problems.push(...(await registryProblems(config, input.entries, input.registryAccess)));
    // Upstream stacks are read only when everything else is right: reading one is the
    // first thing the engine records for the program (it adds Pulumi's builtin provider).
    if (problems.length > 0 || "problem" in kubeconfig) return { problems };
    const promotions = await resolvePromotions(config, input.self, input.readStackOutputs, (i, name, path) => serviceSettingKey(input.entries, i, name, path));
    if (promotions.problems.length > 0) return { problems: promotions.problems };
    const images = input.imageAccess ? await deployedImageProblems(config, input.entries, promotions.promotions, input.imageAccess, input.supplyChainAccess) : [];
    if (images.length > 0) return { problems: images };
    const current = await ownReleases(input.self, input.readStackOutputs);
    return { problems: [], checked: { config, kubeconfig, promoted: promotions.promotions, current } };
}

/**
 * How the program refuses a stack: a ConfigError (a RunError, so Pulumi reports it as the
 * program's failure without a stack trace) before any resource is registered.
 *
 * The SDK's root Stack resource derives `isKnown` and `isSecret` from the program's
 * result, and nothing awaits them when the program fails. The CLI's language host reports
 * such rejections as the failure (once); the Automation API's inline host stops listening
 * the moment the program's own promise settles, so in the runner's process they would
 * surface as unhandled rejections. Observing them here leaves the one error thrown.
 */
export function refuseStack(problems: string[]): never {
    // Output's isKnown and isSecret promises are not in its published type.
    const outputs = pulumi.runtime.getStackResource()?.outputs as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean> } | undefined;
    outputs?.isKnown.catch(() => undefined);
    outputs?.isSecret.catch(() => undefined);
    throw new ConfigError(problems);
}
