import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BuildConfig, RegistryConfig, ServiceSpec } from "./config";
import { GoServiceArgs } from "./go-service";
import { NodeOs, platformOs } from "./platforms";
import { SourceRevision } from "./revision";

/** What the program knows beyond one service's config. */
export interface StackContext {
    /** Stack name: the moving image tag and part of the labels. */
    stack: string;
    /** Project name: the part-of label. */
    project: string;
    /** Directory relative service paths start from. */
    projectDir: string;
    namespace: pulumi.Input<string>;
    registry?: RegistryConfig;
    registryPassword?: pulumi.Output<string>;
    /** Secret config values by key (readStackConfig), for the services' secretEnv. */
    secrets?: Record<string, pulumi.Output<string>>;
    build: BuildConfig;
    /** The service's source revision from git, when it has one. */
    revision?: SourceRevision;
    /** For a promoted service: the digest-pinned ref read from its upstream stack. */
    promotedRef?: string;
    /** The stack's PriorityClass: the default for services that name none. */
    priorityClass?: { name: string; resource: pulumi.Resource };
}

/** The node OS a service's pods run on: Linux whenever a Linux platform is built. */
export function nodeOsOf(spec: ServiceSpec): NodeOs {
    return spec.platforms.some((p) => platformOs(p) === "linux") ? "linux" : "windows";
}

function secretFor(ctx: StackContext, key: string): pulumi.Output<string> {
    const value = ctx.secrets?.[key];
    if (!value) throw new Error(`goship:${key}: no secret value was read for it (readStackConfig)`);
    return value;
}

/** Maps one validated service spec onto the GoService component's arguments. */
export function goServiceArgs(spec: ServiceSpec, ctx: StackContext): GoServiceArgs {
    const os = nodeOsOf(spec);
    const revision = ctx.build.revision ?? ctx.revision?.revision;
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
        secretEnv: Object.fromEntries(Object.entries(spec.secretEnv).map(([name, key]) => [name, secretFor(ctx, key)])),
        configFiles: spec.configFiles,
        autoscaling: spec.autoscaling,
        networkPolicy: spec.networkPolicy,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
        preStopSleepSeconds: spec.preStopSleepSeconds,
        readOnlyRootFilesystem: spec.readOnlyRootFilesystem,
        rolloutTimeoutSeconds: spec.rolloutTimeoutSeconds,
        priorityClassName: spec.priorityClassName ?? ctx.priorityClass?.name,
        // Pods naming a PriorityClass that does not exist yet are refused at admission.
        waitFor: spec.priorityClassName === undefined && ctx.priorityClass ? [ctx.priorityClass.resource] : undefined,
        version: spec.image.source === "build" ? revision : undefined,
        partOf: ctx.project,
    };
    if (spec.image.source === "promote") {
        if (!ctx.promotedRef) {
            throw new Error(`goship:services.${spec.name}.image: promoted, but no image was resolved from ${spec.image.fromStack}`);
        }
        return { source: { type: "promote", ref: ctx.promotedRef }, deployment };
    }
    return {
        source: {
            type: "build",
            registry: ctx.registry!,
            registryPassword: ctx.registryPassword,
            stackTag: ctx.stack,
            image: {
                // Relative, so the image inputs are the same in every clone of the repository.
                context: path.relative(ctx.projectDir, path.resolve(ctx.projectDir, spec.path)) || ".",
                main: spec.main,
                binaryName: spec.name,
                platforms: spec.platforms,
                tags: revision ? [revision, ctx.stack] : [ctx.stack],
                cache: ctx.build.cache,
                buildArgs: spec.buildArgs,
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
