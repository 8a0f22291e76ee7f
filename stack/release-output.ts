import * as pulumi from "@pulumi/pulumi";
import { GoService } from "../components";
import { digestOf } from "../components/build/image-reference";
import { ServiceSpec } from "./config";
import { previousRelease, Release } from "./release";
import { ImageChoice } from "./target";

/**
 * A service's release record as a stack output. It waits for the Deployment's rollout
 * (GoDeployment.rolledOutImage), so a failed rollout leaves the last good record in place.
 */
export function releaseOutput(spec: ServiceSpec, image: ImageChoice, builtRevision: string | undefined, service: GoService, current: Release | undefined): pulumi.Output<Release> {
    const rev = (image.type === "build" ? builtRevision : image.revision) ?? "unknown";
    return pulumi
        .all([service.deployment.rolledOutImage, service.deployment.namespace, service.deployment.deploymentName, service.supplyChain ?? pulumi.output(undefined)])
        .apply(([ref, namespace, deploymentName, supplyChain]) => {
            const digest = digestOf(ref);
            const release: Release = {
                ref,
                digest,
                platforms: [...spec.platforms],
                revision: rev,
                origin: image.type === "build" ? "built" : image.origin === "pinned" ? "pinned" : "promoted",
                deployment: `${namespace}/${deploymentName}`,
            };
            if (image.type === "deploy" && image.fromStack) release.fromStack = image.fromStack;
            if (supplyChain) release.supplyChain = supplyChain;
            const previous = previousRelease(current, digest);
            if (previous) release.previous = previous;
            return release;
        });
}
