import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { z } from "zod";

const repositoryPrefix = z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a lowercase repository path such as team or team/apps")
    .optional();

const genericRegistry = z.strictObject({
    type: z.literal("generic"),
    /** Registry host[:port], without scheme or path. Required. */
    server: z
        .string()
        .regex(/^(localhost|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(:[0-9]{1,5})?$/, "must be a registry host[:port] without scheme or path, e.g. 127.0.0.1:5000 or ghcr.io"),
    /** Path before the service name, e.g. `team`. @default none */
    repositoryPrefix,
    /** Registry user; the password is a secret (GoService's `registryPassword`, the stack's `goship:registryPassword`). @default anonymous */
    username: z.string().min(1).optional().describe("registry user; the password is the secret key goship:registryPassword"),
});

const ecrRegistry = z.strictObject({
    type: z.literal("ecr"),
    /** AWS region of the repositories. Required. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, "must be an AWS region such as eu-west-1"),
    /** Path before the service name, e.g. `team`. @default none */
    repositoryPrefix,
    /** Lifecycle: images kept per repository. @default 50 */
    keepLastImages: z.int().min(1).max(10000).default(50).describe("lifecycle: images kept per repository"),
    /** Lifecycle: days before untagged images expire. @default 7 */
    untaggedExpiryDays: z.int().min(1).max(3650).default(7).describe("lifecycle: days before untagged images expire"),
    /** KMS key for encryption at rest. @default AES256 */
    kmsKeyArn: z.string().startsWith("arn:").optional().describe("KMS key for encryption at rest; AES256 when unset"),
});

/** Where images go: a generic registry (anonymous or with a login) or ECR (a repository per service). */
export const registrySchema = z.discriminatedUnion("type", [genericRegistry, ecrRegistry], {
    message: 'must have type "generic" (server, username) or "ecr" (region)',
});

/** A registry, validated, defaults applied. */
export type RegistryConfig = z.output<typeof registrySchema>;

/** Where one service's images go, and how to log in there. */
export interface ServiceRepository {
    /** Registry host, e.g. `127.0.0.1:5000` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
    address: pulumi.Output<string>;
    /** Full repository name without tag, e.g. `127.0.0.1:5000/goship/hello`. */
    repository: pulumi.Output<string>;
    /** Login for pushes and cache; the password is always a Pulumi secret. Absent for anonymous registries. */
    credentials?: RegistryCredentials;
}

export interface RegistryCredentials {
    address: pulumi.Input<string>;
    username: pulumi.Input<string>;
    password: pulumi.Output<string>;
}

/** Tags goship moves on every build; an immutable ECR repository exempts them. */
export interface MutableTags {
    /** The stack tag, e.g. `staging`. */
    stackTag: string;
}

/** ECR lifecycle: expire untagged images after N days, keep the newest M images. */
export function renderEcrLifecyclePolicy(o: { untaggedExpiryDays: number; keepLastImages: number }): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `expire untagged images after ${o.untaggedExpiryDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: o.untaggedExpiryDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `keep the last ${o.keepLastImages} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: o.keepLastImages },
                action: { type: "expire" },
            },
        ],
    });
}

/**
 * The repository for one service. Generic registries need nothing created; ECR gets a
 * repository (scan on push, immutable tags except the ones goship moves, encryption at
 * rest, lifecycle policy) and short-lived credentials from the authorization token.
 */
export function serviceRepository(
    name: string,
    config: RegistryConfig,
    password: pulumi.Output<string> | undefined,
    tags: MutableTags,
    parent: pulumi.Resource,
): ServiceRepository {
    const path = config.repositoryPrefix ? `${config.repositoryPrefix}/${name}` : name;
    if (config.type === "generic") {
        const address = pulumi.output(config.server);
        const credentials =
            config.username !== undefined
                ? { address: config.server, username: config.username, password: pulumi.secret(password ?? pulumi.output("")) }
                : undefined;
        return { address, repository: pulumi.output(`${config.server}/${path}`), credentials };
    }
    const repo = new aws.ecr.Repository(
        `${name}-repository`,
        {
            name: path,
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: [tags.stackTag, "buildcache-*", "*-dirty*"].map((filter) => ({ filter, filterType: "WILDCARD" })),
            encryptionConfigurations: [config.kmsKeyArn ? { encryptionType: "KMS", kmsKey: config.kmsKeyArn } : { encryptionType: "AES256" }],
        },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-lifecycle`,
        { repository: repo.name, policy: renderEcrLifecyclePolicy(config) },
        { parent },
    );
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, { parent });
    const address = token.proxyEndpoint.apply((endpoint) => endpoint.replace(/^https?:\/\//, ""));
    return {
        address,
        repository: repo.repositoryUrl,
        credentials: { address, username: token.userName, password: pulumi.secret(token.password) },
    };
}
