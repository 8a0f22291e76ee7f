import * as pulumi from "@pulumi/pulumi";
import { GoServiceArgs, PromoteSource } from "../components";
import { digestOf } from "../components/build/image-reference";
import { RECIPE_HASH_LENGTH, releaseTag, stackTag } from "../components/publish/tags";
import { RegistryConfig, RegistryCredentials } from "../components/publish/registry";
import { BuildConfig, nodeOsOf, REGISTRY_PASSWORD_KEY, ServiceSpec } from "./config";
import { buildRevision, SourceRevision } from "./revision";
import { buildPlace } from "./sources";
import { ImageChoice } from "./target";
import { SupplyChainArgs } from "../components/supply-chain/supply-chain";

/** What the program knows beyond one service's config. */
export interface StackContext {
    /** Stack name: the moving image tag (`stack-<stack>`) and part of the labels. */
    stack: string;
    /** Project name: the part-of label. */
    project: string;
    /** Directory relative service paths start from. */
    projectDir: string;
    namespace: pulumi.Input<string>;
    registry?: RegistryConfig;
    /** A secret config value by key (the target's), for the registry password and secretEnv. */
    secret(key: string): pulumi.Output<string>;
    /** The login to read a promoted image's registry with (the target's). */
    pullCredentials(ref: string): RegistryCredentials | undefined;
    build: BuildConfig;
    /** The service's source revision from git, when it has one. */
    revision?: SourceRevision;
    /** The stack's PriorityClass: the default for services that name none. */
    priorityClass?: { name: string; resource: pulumi.Resource };
    /** Pull Secrets every pod of the stack names (goship:kubernetes.imagePullSecrets). @default none */
    imagePullSecrets?: string[];
    /** The pull Secret the stack makes from goship:kubernetes.pullCredentials. */
    pullSecret?: { name: string; resource: pulumi.Resource };
    /** goship:supplyChain as the components take it. */
    supplyChain?: SupplyChainArgs;
}

/**
 * A deployed (not built) image: verified in the registry the pods pull from; copied into
 * this stack's registry when it has one (the release tag, then the stack tag).
 */
function promoteSource(spec: ServiceSpec, image: Extract<ImageChoice, { type: "deploy" }>, ctx: StackContext): PromoteSource {
    const rendered = image.origin === "rendered";
    const source: PromoteSource = { type: "promote", ref: image.ref, platforms: spec.platforms, verify: !rendered, sourceCredentials: ctx.pullCredentials(image.ref), binaryName: spec.name };
    if (ctx.supplyChain && !rendered) source.supplyChain = ctx.supplyChain;
    if (!ctx.registry || rendered) return source;
    const digestHex = digestOf(image.ref).slice("sha256:".length);
    return {
        ...source,
        registry: ctx.registry,
        registryPassword: ctx.registry.type === "generic" && ctx.registry.username !== undefined ? ctx.secret(REGISTRY_PASSWORD_KEY) : undefined,
        // The copy's immutable release tag names the digest itself (the bytes are the
        // upstream's), then this stack's moving tag (components/publish/tags.ts).
        tags: [releaseTag(image.revision ?? "unknown", digestHex.slice(0, RECIPE_HASH_LENGTH)), stackTag(ctx.stack)],
    };
}

/** A .netrc with one line per module login, the passwords read from their secret config keys. */
function netrcOf(credentials: NonNullable<ServiceSpec["moduleCredentials"]>, ctx: StackContext): pulumi.Output<string> {
    const lines = credentials.map((c) => pulumi.interpolate`machine ${c.machine} login ${c.login} password ${ctx.secret(c.passwordKey)}\n`);
    return pulumi.secret(pulumi.all(lines).apply((l) => l.join("")));
}

/** The resources a Deployment waits for, or undefined when none. */
function waitFor(resources: (pulumi.Resource | undefined)[]): pulumi.Resource[] | undefined {
    const present = resources.filter((r): r is pulumi.Resource => r !== undefined);
    return present.length > 0 ? present : undefined;
}

/** Maps one validated service spec, and where its image comes from, onto the GoService component's arguments. */
export function goServiceArgs(spec: ServiceSpec, image: ImageChoice, ctx: StackContext): GoServiceArgs {
    const os = nodeOsOf(spec.platforms);
    const revision = buildRevision(ctx.build.revision, ctx.revision);
    const deployment: GoServiceArgs["deployment"] = {
        namespace: ctx.namespace,
        port: spec.port,
        replicas: spec.replicas,
        os,
        windowsImage: spec.base.windows,
        resources: spec.resources,
        probes: spec.probes,
        timezone: spec.timezone,
        env: spec.env,
        podAnnotations: spec.podAnnotations,
        secretEnv: Object.fromEntries(Object.entries(spec.secretEnv).map(([name, key]) => [name, ctx.secret(key)])),
        configFiles: spec.configFiles,
        autoscaling: spec.autoscaling,
        networkPolicy: spec.networkPolicy,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
        preStopSleepSeconds: spec.preStopSleepSeconds,
        readOnlyRootFilesystem: spec.readOnlyRootFilesystem,
        rolloutTimeoutSeconds: spec.rolloutTimeoutSeconds,
        priorityClassName: spec.priorityClassName ?? ctx.priorityClass?.name,
        command: spec.command,
        args: spec.args,
        workingDir: spec.workingDir,
        goMemLimit: spec.goMemLimit,
        exposure: spec.exposure,
        imagePullSecrets: [...(ctx.imagePullSecrets ?? []), ...(ctx.pullSecret ? [ctx.pullSecret.name] : []), ...spec.imagePullSecrets],
        // Pods naming a PriorityClass that does not exist yet are refused at admission; a
        // missing pull Secret would fail their first pulls.
        waitFor: waitFor([spec.priorityClassName === undefined ? ctx.priorityClass?.resource : undefined, ctx.pullSecret?.resource]),
        version: image.type === "build" ? revision : image.revision,
        partOf: ctx.project,
    };
    if (image.type === "deploy") {
        return { source: promoteSource(spec, image, ctx), deployment };
    }
    if (!ctx.registry) throw new Error(`goship:registry: needed to build ${spec.name} (checkStack requires it)`);
    return {
        source: {
            type: "build",
            registry: ctx.registry,
            registryPassword: ctx.registry.type === "generic" && ctx.registry.username !== undefined ? ctx.secret(REGISTRY_PASSWORD_KEY) : undefined,
            stackTag: ctx.stack,
            image: {
                // Relative, so the image inputs are the same in every clone of the repository.
                ...buildPlace(spec, ctx.projectDir),
                main: spec.main,
                assets: spec.assets,
                go: spec.go,
                caCertificates: ctx.build.caCertificates,
                binaryName: spec.name,
                platforms: spec.platforms,
                supplyChain: ctx.supplyChain,
                // Tags: rel-<revision>-<recipe> on the index, plat-… on each platform image,
                // and this stack's moving stack-<stack> (components/publish/tags.ts).
                stack: ctx.stack,
                cache: ctx.build.cache,
                buildArgs: spec.buildArgs,
                buildSecrets: Object.fromEntries(Object.entries(spec.buildSecrets).map(([name, key]) => [name, ctx.secret(key)])),
                netrc: spec.moduleCredentials ? netrcOf(spec.moduleCredentials, ctx) : undefined,
                version: revision ?? "dev",
                revision: revision ?? "unknown",
                sourceUrl: ctx.build.sourceUrl,
                sourceDateEpoch: ctx.build.revision ? undefined : ctx.revision?.commitTime,
                builder: ctx.build.builder,
                dockerfile: {
                    builderImage: spec.base.builder,
                    runtime: spec.base.runtime,
                    windowsImage: spec.base.windows,
                    versionVariable: spec.versionVariable,
                    port: spec.port,
                },
            },
        },
        deployment,
    };
}
