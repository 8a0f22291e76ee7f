import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { CheckedStack } from "./check";
import { kubernetesProvider } from "./cluster";
import { ServiceSpec } from "./config";
import { recordPromotionSources } from "./promotion";
import { parseImageReference } from "../components/build/image-reference";
import { ecrHost, ecrPullCredentials, RegistryCredentials } from "../components/publish/registry";

/**
 * Where the program's objects go, chosen once:
 * - live: the configured cluster, registries and (for ECR) AWS.
 * - render: the Kubernetes provider writes every object it would apply as YAML into a
 *   directory (its renderYamlToDirectory option) instead of talking to a cluster, so
 *   reviewers and linters see exactly what `pulumi up` would apply. Nothing else is
 *   touched: no image is built or pushed, no registry or ECR repository is created, no
 *   upstream stack is read. Images are the one difference from a real deployment: each
 *   service runs RENDER_IMAGE_REGISTRY/<service>@sha256:0…0, since the digest only exists
 *   after a build. Secrets are markers, so rendered YAML never carries one.
 *
 * Render mode is turned on by GOSHIP_RENDER_DIR (tools/local/render.ts sets it); never by
 * stack config, so a stack cannot be left in render mode by accident.
 */
export interface Target {
    /** The explicit provider every Kubernetes object uses. */
    kubernetes: k8s.Provider;
    /** Every provider the services use (Kubernetes, and AWS for ECR). */
    providers: pulumi.ProviderResource[];
    /** Where a service's image comes from on this target. */
    imageOf(spec: ServiceSpec): ImageChoice;
    /** A secret config value by key (a marker when rendering). */
    secret(key: string): pulumi.Output<string>;
    /** The login to read REF's registry with, when goship can make one (ECR, from AWS); none when rendering. */
    pullCredentials(ref: string): RegistryCredentials | undefined;
}

/**
 * Build the image here, or deploy one pinned by digest: promoted from another stack's
 * release, pinned in config (a rollback), or a render placeholder (never verified).
 */
export type ImageChoice =
    | { type: "build" }
    | { type: "deploy"; ref: string; origin: "promoted" | "pinned" | "rendered"; fromStack?: string; revision?: string };

export interface RenderMode {
    /** Directory the provider writes into (it creates 0-crd/ and 1-manifest/ below it). */
    directory: string;
}

export const RENDER_DIR_ENV = "GOSHIP_RENDER_DIR";
export const RENDER_IMAGE_REGISTRY = "render.goship.invalid";
const PLACEHOLDER_DIGEST = "sha256:" + "0".repeat(64);

export function renderModeFrom(env: NodeJS.ProcessEnv = process.env): RenderMode | undefined {
    const directory = env[RENDER_DIR_ENV];
    return directory ? { directory } : undefined;
}

/** The digest-pinned placeholder a rendered service runs. */
export function placeholderImageRef(service: string): string {
    return `${RENDER_IMAGE_REGISTRY}/${service}@${PLACEHOLDER_DIGEST}`;
}

/**
 * The target for a checked stack: render mode when MODE is given, else live. READ_SECRETS
 * gives the stack's secret values by key; only a live target calls it.
 */
export function chooseTarget(checked: CheckedStack, mode: RenderMode | undefined, readSecrets: () => Record<string, pulumi.Output<string>>): Target {
    const { config } = checked;
    if (mode) {
        pulumi.log.info(`goship: render mode (${RENDER_DIR_ENV}=${mode.directory}): writing manifests, deploying nothing; images are placeholders`);
        const kubernetes = new k8s.Provider("kubernetes", { renderYamlToDirectory: mode.directory, namespace: config.kubernetes.namespace });
        return {
            kubernetes,
            providers: [kubernetes],
            imageOf: (spec) => ({ type: "deploy", ref: placeholderImageRef(spec.name), origin: "rendered" }),
            secret: (key) => pulumi.secret(`<${key}: not rendered>`),
            pullCredentials: () => undefined,
        };
    }
    if (!checked.kubeconfig) throw new Error("a live target needs the checked kubeconfig (checkStack)");
    const kubernetes = kubernetesProvider("kubernetes", config.kubernetes, checked.kubeconfig);
    const providers: pulumi.ProviderResource[] = [kubernetes];
    if (config.registry?.type === "ecr") {
        providers.push(new aws.Provider("aws", { region: config.registry.region as aws.Region }));
    }
    // The state records where this stack promotes from (render mode reads no other stack).
    recordPromotionSources(checked.promoted);
    const secrets = readSecrets();
    // One AWS provider per region a promoted image is read from (its ECR token).
    const pullProviders = new Map<string, aws.Provider>();
    const pullCredentials = (ref: string): RegistryCredentials | undefined => {
        const host = parseImageReference(ref)?.name.split("/")[0] ?? "";
        const ecr = ecrHost(host);
        if (!ecr) return undefined;
        if (!pullProviders.has(ecr.region)) pullProviders.set(ecr.region, new aws.Provider(`aws-pull-${ecr.region}`, { region: ecr.region as aws.Region }));
        return ecrPullCredentials(host, pullProviders.get(ecr.region)!);
    };
    return {
        pullCredentials,
        kubernetes,
        providers,
        imageOf: (spec): ImageChoice => {
            const image = spec.image;
            if (image.source === "build") return { type: "build" };
            if (image.source === "pinned") return { type: "deploy", ref: image.ref, origin: "pinned", revision: image.revision };
            const { release, fromStack } = checked.promoted[spec.name];
            return { type: "deploy", ref: release.ref, origin: "promoted", fromStack, revision: release.revision };
        },
        secret: (key) => {
            const value = secrets[key];
            if (!value) throw new Error(`goship:${key}: no secret value was read for it (checkStack requires every secret a service names)`);
            return value;
        },
    };
}
