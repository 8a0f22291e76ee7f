/**
 * The checks the goship program (index.ts) makes before it registers anything, made by the
 * runner before the CLI starts, with the same messages: config schema, required secrets,
 * the services' Go source trees, the kubeconfig and the promotion sources.
 *
 * Why twice: an inline program that throws leaves an unhandled rejection in the runner's
 * process (the SDK's Stack resource, @pulumi/pulumi 3.245), and a missing upstream stack
 * fails in the engine ("unknown stack") before the program can name the config key. Here
 * each bad input fails cleanly as a ConfigError (one line per key and fix), nothing started.
 */
import { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { CONFIG_NAMESPACE, ConfigError, missingSecretMessage, parseStackConfigFrom, requiredSecrets, StackConfig } from "../../components/config";
import { checkGoSources } from "../../components/preflight";
import { checkKubeconfig } from "../../components/kubernetes";
import { promotedImage, unreadableUpstream } from "../../components/promotion";
import { renderModeFrom } from "../../components/render";

/** Reads another stack's `images` output (throws when the stack cannot be read). */
export type UpstreamImages = (stackName: string) => Promise<unknown>;

/**
 * Every check, on STACK's config, against its workspace's project directory. In render
 * mode the program reads no kubeconfig and no upstream stack, and neither does this.
 */
export async function preflight(stack: Stack): Promise<void> {
    const projectDir = stack.workspace.workDir;
    let all: ConfigMap;
    try {
        all = await stack.getAllConfig();
    } catch (err) {
        throw requiredConfigError(String(err), stack.name) ?? err;
    }
    const config = checkConfigMap(all);
    checkGoSources(config.services, projectDir);
    if (renderModeFrom()) return;
    checkKubeconfigOf(config, projectDir);
    await checkPromotions(config, async (name) => (await stack.workspace.stackOutputs(name)).images?.value);
}

/** Schema and required secrets of the config as the Automation API returns it; the parsed config. */
export function checkConfigMap(all: ConfigMap): StackConfig {
    const config = parseStackConfigFrom((key) => {
        const entry = all[`${CONFIG_NAMESPACE}:${key}`];
        if (entry === undefined) return undefined;
        try {
            return JSON.parse(entry.value);
        } catch {
            return entry.value;
        }
    });
    // The registry password and secret env values must exist and be stored encrypted: a
    // plain value would sit in the stack file in clear text.
    const problems = requiredSecrets(config).flatMap((required) => {
        const entry = all[`${CONFIG_NAMESPACE}:${required.key}`];
        if (entry === undefined) return [missingSecretMessage(required)];
        if (!entry.secret) return [missingSecretMessage(required, "stored in plain text but used as a secret by")];
        return [];
    });
    if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
    return config;
}

/** The kubeconfig exists and has the context. */
export function checkKubeconfigOf(config: StackConfig, projectDir: string): void {
    try {
        checkKubeconfig(config.kubernetes, projectDir);
    } catch (err) {
        throw new ConfigError([(err as Error).message]);
    }
}

/** Each promoted service's upstream stack exists and exports a digest-pinned image for it. */
export async function checkPromotions(config: StackConfig, readImages: UpstreamImages): Promise<void> {
    const problems: string[] = [];
    for (const [i, spec] of config.services.entries()) {
        if (spec.image.source !== "promote") continue;
        const key = `${CONFIG_NAMESPACE}:services[${i}].image.fromStack`;
        const upstream = spec.image.fromStack;
        let images: unknown;
        try {
            images = await readImages(upstream);
        } catch (err) {
            // The CLI's complaint is its last "error:" line.
            const reason = /error: (.*)/.exec(String(err).split("\n").reverse().find((l) => l.startsWith("error: ")) ?? "")?.[1] ?? String(err).split("\n")[0];
            problems.push(unreadableUpstream(key, upstream, reason).message);
            continue;
        }
        try {
            promotedImage(key, upstream, spec.name, images);
        } catch (err) {
            problems.push((err as Error).message);
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Keys Pulumi.yaml declares without a default are required: the CLI refuses a stack
 * without them ("Stack 'dev' is missing configuration values 'kubernetes' and
 * 'services'"). The same refusal as a ConfigError, one line per key with its fix.
 */
export function requiredConfigError(cliError: string, stackName: string): ConfigError | undefined {
    const line = /is missing configuration values? (.*)$/m.exec(cliError)?.[1];
    if (line === undefined) return undefined;
    const keys = [...line.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    return new ConfigError(
        keys.map((key) => `${key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`}: required (Pulumi.yaml declares it without a default) and missing from stack ${stackName}; set it in Pulumi.${stackName}.yaml (see README "Configuration")`),
    );
}
