import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubernetesConfig, ServiceSpec } from "./config";

/**
 * Render mode: the Kubernetes provider writes every object it would apply as YAML into a
 * directory (its renderYamlToDirectory option) instead of talking to a cluster, so
 * reviewers and linters see exactly what `pulumi up` would apply. Nothing else is touched:
 * no image is built or pushed, no registry or ECR repository is created, no upstream stack
 * is read. Images are the one difference from a real deployment: each service runs
 * RENDER_IMAGE_REGISTRY/<service>@sha256:0…0, since the digest only exists after a build.
 *
 * Turned on by GOSHIP_RENDER_DIR (tools/local/render.ts sets it); never by stack config,
 * so a stack cannot be left in render mode by accident.
 */
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

/** Every service as if promoted from a placeholder digest: nothing to build or resolve. */
export function renderedServices(services: ServiceSpec[]): { services: ServiceSpec[]; refs: Record<string, string> } {
    return {
        services: services.map((s) => ({ ...s, image: { source: "promote", fromStack: "render" } }) as ServiceSpec),
        refs: Object.fromEntries(services.map((s) => [s.name, placeholderImageRef(s.name)])),
    };
}

/** Secret values replaced by a marker: rendered YAML must never carry a real secret. */
export function renderedSecrets(secrets: Record<string, pulumi.Output<string>>): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.keys(secrets).map((k) => [k, pulumi.secret(`<${k}: not rendered>`)]));
}

/** A Kubernetes provider that writes YAML and needs no cluster or kubeconfig. */
export function renderingProvider(name: string, cfg: KubernetesConfig, mode: RenderMode): k8s.Provider {
    return new k8s.Provider(name, { renderYamlToDirectory: mode.directory, namespace: cfg.namespace });
}

/** Logged once so a rendered preview can never be mistaken for a deployment. */
export function announceRender(mode: RenderMode): void {
    pulumi.log.info(`goship: render mode (${RENDER_DIR_ENV}=${mode.directory}): writing manifests, deploying nothing; images are placeholders`);
}
