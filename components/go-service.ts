import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseArguments } from "./arguments";
import { isPinnedByDigest } from "./build/image-reference";
import { DEFAULT_PLATFORMS, platformOs } from "./build/platforms";
import { GoDeployment, GoDeploymentArgs } from "./go-deployment";
import { GoImage, GoImageArgs } from "./go-image";
import { registrySchema, serviceRepository } from "./publish/registry";

/** This stack builds the image and pushes it to its registry. */
export interface BuildSource {
    type: "build";
    /** Image build settings; repository and credentials come from `registry`. */
    image: Omit<GoImageArgs, "repository" | "credentials">;
    /** Registry the image goes to: `{type: "generic", server, …}`, or `{type: "ecr", region, …}` (a repository per service). Required. */
    registry: z.input<typeof registrySchema>;
    /** Password of a generic registry with a username; must be a secret. */
    registryPassword?: pulumi.Output<string>;
    /** Tag moved to every new build of this stack (also exempt from ECR tag immutability). */
    stackTag: string;
}

/** This stack deploys an image another stack built: the same digest, promoted. */
export interface PromoteSource {
    type: "promote";
    /** `repo@sha256:…` from the upstream stack's `images` output. A plain string is checked at once; an Output when it resolves. */
    ref: pulumi.Input<string>;
}

export interface GoServiceArgs {
    /** Where the image comes from. Required. */
    source: BuildSource | PromoteSource;
    /** How it runs; the image is filled in from `source`. Required (namespace at least). */
    deployment: Omit<GoDeploymentArgs, "image">;
}

/** One Go service: its image (built here or promoted) and its Kubernetes workload. */
export class GoService extends pulumi.ComponentResource {
    /** `repo@sha256:…` deployed by this stack: what the next stack promotes. */
    public readonly imageRef: pulumi.Output<string>;
    /** In-cluster URL. */
    public readonly url: pulumi.Output<string>;
    public readonly image?: GoImage;
    public readonly deployment: GoDeployment;

    constructor(name: string, args: GoServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:index:GoService", name, {}, opts);
        const child = { parent: this };
        let imageRef: pulumi.Output<string>;
        if (args.source.type === "build") {
            const src = args.source;
            const oses = new Set((src.image.platforms ?? DEFAULT_PLATFORMS).map(platformOs));
            if (args.deployment.os && !oses.has(args.deployment.os)) {
                throw new pulumi.ResourceError(`${name}.deployment.os: ${args.deployment.os}, but no ${args.deployment.os} platform is built (${[...oses].join(", ")}); add one to source.image.platforms`, this, true);
            }
            const registry = parseArguments(registrySchema, src.registry, this, `${name}.source.registry`);
            const repo = serviceRepository(name, registry, src.registryPassword, { stackTag: src.stackTag }, this);
            this.image = new GoImage(name, { ...src.image, repository: repo.repository, credentials: repo.credentials }, child);
            imageRef = this.image.ref;
        } else {
            const ref = args.source.ref;
            const refuse = (r: string) =>
                new pulumi.ResourceError(`${name}.source.ref: promoted image "${r}" is not pinned by digest; promote the upstream stack's images output (repo@sha256:…)`, this, true);
            if (typeof ref === "string" && !isPinnedByDigest(ref)) throw refuse(ref);
            imageRef = pulumi.output(ref).apply((r) => {
                if (!isPinnedByDigest(r)) throw refuse(r);
                return r;
            });
        }
        this.deployment = new GoDeployment(name, { ...args.deployment, image: imageRef }, child);
        this.imageRef = imageRef;
        this.url = this.deployment.url;
        this.registerOutputs({ imageRef: this.imageRef, url: this.url });
    }
}
