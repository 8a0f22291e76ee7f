import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseArguments } from "./arguments";
import { DEFAULT_PLATFORMS, Platform, platformOs } from "./build/platforms";
import { GoDeployment, GoDeploymentArgs } from "./go-deployment";
import { GoImage, GoImageArgs } from "./go-image";
import { promotedImage } from "./promoted-image";
import { registrySchema, RegistryCredentials, serviceRepository } from "./publish/registry";
import { SupplyChainRecord } from "./supply-chain/record";
import { SupplyChainArgs } from "./supply-chain/supply-chain";

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
    /** `repo@sha256:…` from the upstream stack's release record. A plain string is checked at once; an Output when it resolves. */
    ref: pulumi.Input<string>;
    /** Platforms the image must hold for the pods; checked in the registry they pull from. @default linux/amd64, linux/arm64 */
    platforms?: Platform[];
    /** Login for the registry `ref` lives in; its password must be a secret. @default none (anonymous) */
    sourceCredentials?: RegistryCredentials;
    /**
     * This stack's own registry: the index is copied there by digest (every platform and
     * attestation, byte-identical, no rebuild) and the pods pull the copy. @default none:
     * the pods pull `ref` where it is
     */
    registry?: z.input<typeof registrySchema>;
    /** Password of a generic `registry` with a username; must be a secret. */
    registryPassword?: pulumi.Output<string>;
    /** Tags the copy gets in `registry`: the first is the immutable release tag, the rest move (the stack tag). Required with `registry`. */
    tags?: string[];
    /**
     * Ask the registry the pods pull from, at preview and after a copy, for the digest and
     * each platform's manifest; fail when any is missing. @default true
     */
    verify?: boolean;
    /**
     * Supply chain: with `requireSignature`, the digest's cosign signature must verify with
     * `publicKey` (at preview too); with `vulnerabilities`, its binaries are scanned with this
     * stack's policy; with `registry`, the signatures and attestations are copied too. @default none
     */
    supplyChain?: SupplyChainArgs;
    /** The binary's file name in the image (for the scan). @default the service name */
    binaryName?: string;
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
    /** What the image carries (signature, SBOM, provenance, vulnerability verdict), when goship:supplyChain asks for it. */
    public readonly supplyChain?: pulumi.Output<SupplyChainRecord>;
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
            this.supplyChain = this.image.supplyChain;
        } else {
            const promoted = promotedImage(name, args.source, this);
            imageRef = promoted.ref;
            this.supplyChain = promoted.supplyChain;
        }
        this.deployment = new GoDeployment(name, { ...args.deployment, image: imageRef }, child);
        this.imageRef = imageRef;
        this.url = this.deployment.url;
        this.registerOutputs({ imageRef: this.imageRef, url: this.url });
    }
}
