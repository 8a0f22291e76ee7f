import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { dnsSubdomain } from "../components/deploy/args";
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, renderDockerConfigJson } from "../components/deploy/pull-secrets";
import { registryServerField } from "../components/publish/registry";
import type { StackConfig } from "./config";
import { secretKeyName } from "./secret-keys";

/**
 * How a stack's pods log in to the registry they pull from (`goship:kubernetes`):
 * `imagePullSecrets` names Secrets that exist; `pullCredentials` makes one, a
 * kubernetes.io/dockerconfigjson Secret, from a pull login of its own whose password is a
 * secret config key. The push login (`goship:registry.username`, `goship:registryPassword`)
 * is never handed to the pods: they only pull, and a node or a pod that leaks its
 * credentials should not be able to overwrite the images.
 */

/** The default name of the Secret goship makes from pullCredentials. */
export const PULL_SECRET_NAME = "goship-pull";

export const pullCredentialsSchema = z
    .strictObject({
        server: registryServerField.optional().describe("registry the pods pull from; goship:registry.server when unset"),
        username: z.string().min(1).describe("the pull login's user (a read-only token's, ideally)"),
        passwordKey: secretKeyName("pullPassword").describe("secret stack config key holding the pull password (pulumi config set --secret KEY VALUE)"),
        secretName: dnsSubdomain.default(PULL_SECRET_NAME).describe(`name of the Secret goship makes (default ${PULL_SECRET_NAME})`),
    })
    .describe("a pull login goship turns into a kubernetes.io/dockerconfigjson Secret the pods pull with");

/** Pull credentials, validated. */
export type PullCredentials = z.output<typeof pullCredentialsSchema>;

/** The registry the pull login is for: its own server, else the stack's generic registry. */
export function pullServer(config: Pick<StackConfig, "registry" | "kubernetes">): string | undefined {
    const registry = config.registry;
    return config.kubernetes.pullCredentials?.server ?? (registry?.type === "generic" ? registry.server : undefined);
}

/**
 * The checks of pullCredentials against the rest of the stack config. OWN_KEYS are
 * goship's own config keys and PUSH_PASSWORD_KEY the push password's.
 */
export function checkPullCredentials(config: Pick<StackConfig, "registry" | "kubernetes">, keys: { own: readonly string[]; pushPassword: string }, ctx: z.RefinementCtx): void {
    const pull = config.kubernetes.pullCredentials;
    if (!pull) return;
    const at = (field: string) => ["kubernetes", "pullCredentials", field];
    if (pull.passwordKey === keys.pushPassword) {
        ctx.addIssue({
            code: "custom",
            path: at("passwordKey"),
            message: `"${keys.pushPassword}" is the push password (goship:registry's login); pods only pull, so give them a login of their own (e.g. a read-only token) under another key, e.g. pullPassword`,
        });
    } else if (keys.own.includes(pull.passwordKey)) {
        ctx.addIssue({ code: "custom", path: at("passwordKey"), message: `"${pull.passwordKey}" is one of goship's own config keys; store the password under a key of its own, e.g. pullPassword` });
    }
    if (pullServer(config) === undefined) {
        const why =
            config.registry?.type === "ecr"
                ? "goship:registry is ECR, whose pods pull with their nodes' IAM role (an ECR password expires after 12 hours); remove pullCredentials, or set server to another registry the pods pull from"
                : "the stack has no generic goship:registry to default to; set it to the registry the pods pull from (the upstream stack's, e.g. 127.0.0.1:5000)";
        ctx.addIssue({ code: "custom", path: at("server"), message: `is required: ${why}` });
    }
}

/**
 * Why the pods may fail to pull, or undefined: the stack's registry wants a login
 * (goship:registry.username) and some service's pods get no pull Secret. A warning, not
 * an error: nodes may log in themselves (a kubelet credential provider).
 */
export function missingPullSecretWarning(config: StackConfig): string | undefined {
    const registry = config.registry;
    if (registry?.type !== "generic" || registry.username === undefined) return undefined;
    if (config.kubernetes.pullCredentials || config.kubernetes.imagePullSecrets.length > 0) return undefined;
    const without = config.services.filter((s) => s.imagePullSecrets.length === 0).map((s) => s.name);
    if (without.length === 0) return undefined;
    return (
        `goship:kubernetes.pullCredentials: the pods of ${without.join(", ")} pull from ${registry.server}, which wants a login (goship:registry.username is set), but get no image pull Secret; ` +
        `set goship:kubernetes.pullCredentials {username, passwordKey} (a pull login of its own) or goship:kubernetes.imagePullSecrets (Secrets that exist), unless the nodes log in to ${registry.server} themselves`
    );
}

/** The secret config key pullCredentials names, for requiredSecrets. */
export function pullPasswordSecret(config: StackConfig): { key: string; where: string }[] {
    const pull = config.kubernetes.pullCredentials;
    return pull ? [{ key: pull.passwordKey, where: "kubernetes.pullCredentials.passwordKey" }] : [];
}

/** The passwordKey in a raw (unvalidated) `goship:kubernetes` value, so it counts as a known key. */
export function pullPasswordKeyOf(kubernetes: unknown): string[] {
    const pull = (kubernetes as { pullCredentials?: { passwordKey?: unknown } } | null)?.pullCredentials;
    return typeof pull?.passwordKey === "string" ? [pull.passwordKey] : [];
}

/**
 * The stack's pull Secret, when pullCredentials is set: kubernetes.io/dockerconfigjson in
 * the namespace, its whole content a Pulumi secret (never plain in state or preview).
 */
export function stackPullSecret(
    config: StackConfig,
    o: { namespace: pulumi.Input<string>; partOf: string; secret(key: string): pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
): { name: string; resource: pulumi.Resource } | undefined {
    const pull = config.kubernetes.pullCredentials;
    const server = pullServer(config);
    if (!pull || server === undefined) return undefined;
    const content = o.secret(pull.passwordKey).apply((password) => renderDockerConfigJson({ server, username: pull.username, password }));
    const resource = new k8s.core.v1.Secret(
        "pull-secret",
        {
            metadata: { name: pull.secretName, namespace: o.namespace, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": o.partOf } },
            type: DOCKER_CONFIG_JSON_TYPE,
            stringData: pulumi.secret(content.apply((c) => ({ [DOCKER_CONFIG_JSON_KEY]: c }))),
        },
        opts,
    );
    return { name: pull.secretName, resource };
}
