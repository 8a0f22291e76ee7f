import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "./config";
import { GoDeployment, GoDeploymentArgs } from "./go-deployment";
import { GoImage, GoImageArgs } from "./go-image";
import { isPinnedByDigest } from "./image-reference";
import { platformOs } from "./platforms";
import { serviceRepository } from "./registry";

/** This stack builds the image and pushes it to its registry. */
export interface BuildSource {
    type: "build";
    /** Image build settings; repository and credentials come from `registry`. */
    image: Omit<GoImageArgs, "repository" | "credentials">;
    /** Registry the image goes to (a generic registry, or ECR, created per service). */
    registry: RegistryConfig;
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
            const repo = serviceRepository(name, src.registry, src.registryPassword, { stackTag: src.stackTag }, this);
            this.image = new GoImage(name, { ...src.image, repository: repo.repository, credentials: repo.credentials }, child);
            imageRef = this.image.ref;
            const oses = new Set((src.image.platforms ?? []).map(platformOs));
            if (args.deployment.os && oses.size > 0 && !oses.has(args.deployment.os)) {
                throw new Error(`${name}: deployment.os is ${args.deployment.os} but no ${args.deployment.os} platform is built (${[...oses].join(", ")})`);
            }
        } else {
            const ref = args.source.ref;
            const refuse = (r: string) =>
                new Error(`${name}: promoted image "${r}" is not pinned by digest; promote the upstream stack's images output (repo@sha256:…)`);
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
