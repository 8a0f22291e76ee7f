import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { RegistryConfig } from "./config";

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
