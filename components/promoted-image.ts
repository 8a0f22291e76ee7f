import * as pulumi from "@pulumi/pulumi";
import * as dockerbuild from "@pulumi/docker-build";
import { parseArguments } from "./arguments";
import { digestOf, isPinnedByDigest } from "./build/image-reference";
import { DEFAULT_PLATFORMS } from "./build/platforms";
import type { PromoteSource } from "./go-service";
import { registrySchema, RegistryCredentials, serviceRepository } from "./publish/registry";
import { RegistryLogin, verifyImage } from "./publish/registry-api";
import { cosignCopySignatures } from "./supply-chain/cosign";
import { SupplyChainRecord } from "./supply-chain/record";
import { checkPromotedImage } from "./supply-chain/supply-chain";

/**
 * The image a promoting GoService deploys: the upstream digest, never rebuilt.
 *
 * - Without a registry of its own, the pods pull `ref` where it is; the registry is asked
 *   (at preview too) for the digest and every platform's manifest first.
 * - With one, the index is copied into it by digest with docker-build's `Index`, which
 *   runs `buildx imagetools create` with the single source: buildx then pushes the
 *   source's own bytes (every platform and attestation manifest, blobs mounted or
 *   copied), so the digest stays the same. goship asserts that it did, reads the copy
 *   back from the target registry, and only then lets the Deployment roll. At preview,
 *   before the first copy exists, the source is verified and the Deployment shows the
 *   copy's digest-pinned reference (the same digest in the target repository).
 *
 * Copies are `retainOnDelete`: the provider's delete removes a manifest by digest, which
 * other stacks may run; the registry's own retention cleans up.
 */
export function promotedImage(name: string, src: PromoteSource, parent: pulumi.Resource): { ref: pulumi.Output<string>; supplyChain?: pulumi.Output<SupplyChainRecord> } {
    const refuse = (r: string) =>
        new pulumi.ResourceError(`${name}.source.ref: promoted image "${r}" is not pinned by digest; promote the upstream stack's release (repo@sha256:…)`, parent, true);
    if (typeof src.ref === "string" && !isPinnedByDigest(src.ref)) throw refuse(src.ref);
    const platforms = src.platforms ?? DEFAULT_PLATFORMS;
    const verify = src.verify ?? true;
    const sourceRef = pulumi.output(src.ref).apply((r) => {
        if (!isPinnedByDigest(r)) throw refuse(r);
        return r;
    });
    const sourceLogin = loginOf(src.sourceCredentials);
    const binaryName = src.binaryName ?? name;
    // The supply-chain record of the digest where the pods pull it (checked before the Deployment rolls).
    const supplyChainOf = (ref: pulumi.Output<string>, login: pulumi.Output<RegistryLogin | undefined>) =>
        src.supplyChain ? pulumi.unsecret(pulumi.all([ref, login]).apply(([r, l]) => checkPromotedImage(name, r, l, binaryName, src.supplyChain ?? {}, parent))) : undefined;
    if (!src.registry) {
        // A reference is not a secret, though it is computed next to a password.
        const ref = pulumi.unsecret(
            pulumi.all([sourceRef, sourceLogin]).apply(async ([r, login]) => {
                if (verify) await verified(name, r, platforms, login, parent);
                return r;
            }),
        );
        const supplyChain = supplyChainOf(ref, sourceLogin);
        return supplyChain ? { ref: pulumi.all([ref, supplyChain]).apply(([r]) => r), supplyChain: supplyChain.apply((r) => r ?? emptyRecord()) } : { ref };
    }
    if (!src.tags || src.tags.length === 0) {
        throw new pulumi.ResourceError(`${name}.source.tags: a copy into source.registry needs its tags (a release tag, then the stack tag)`, parent, true);
    }
    const registry = parseArguments(registrySchema, src.registry, parent, `${name}.source.registry`);
    const [releaseTag, ...movingTags] = src.tags;
    const repo = serviceRepository(name, registry, src.registryPassword, { stackTag: movingTags[0] ?? releaseTag }, parent);
    const targetLogin = loginOf(repo.credentials);
    // Both sides' logins for buildx: the source to read, the target to write.
    const provider = new dockerbuild.Provider(
        `${name}-copy`,
        { registries: [src.sourceCredentials, repo.credentials].filter((c): c is RegistryCredentials => c !== undefined) },
        { parent },
    );
    const copy = new dockerbuild.Index(
        `${name}-copy`,
        { tag: pulumi.interpolate`${repo.repository}:${releaseTag}`, sources: [sourceRef], push: true, registry: repo.credentials },
        { parent, provider, retainOnDelete: true },
    );
    const expected = pulumi.all([repo.repository, sourceRef]).apply(([repository, ref]) => `${repository}@${digestOf(ref)}`);
    // At preview the copy's ref is unknown while it is created or replaced (a new release
    // tag), so the digest the pods will run is what it must be: the source's digest in this
    // stack's repository. Kept concrete, the Deployment's diff and the policy pack see it.
    const copied = pulumi.runtime.isDryRun()
        ? pulumi.unsecret(
              pulumi.all([expected, sourceRef, sourceLogin, targetLogin]).apply(async ([expectedRef, ref, fromLogin, toLogin]) => {
                  // A source in the target's own registry (a rollback pin to an earlier copy) reads with its login.
                  const sameRegistry = ref.split("/")[0] === expectedRef.split("/")[0];
                  if (verify) await verified(name, ref, platforms, sameRegistry ? (toLogin ?? fromLogin) : fromLogin, parent);
                  return expectedRef;
              }),
          )
        : pulumi.unsecret(
              pulumi.all([copy.ref, expected, sourceRef, targetLogin, sourceLogin]).apply(async ([copyRef, expectedRef, ref, toLogin, fromLogin]) => {
                  const copiedDigest = digestOf(copyRef);
                  if (copiedDigest === "") throw new pulumi.ResourceError(`${name}: the copy ${copyRef} reports no digest`, parent);
                  if (copiedDigest !== digestOf(ref)) {
                      throw new pulumi.ResourceError(
                          `${name}: the copy of ${ref} into ${copyRef} has digest ${copiedDigest}, not the source's ${digestOf(ref)}: the copy is not byte-identical, so it is not deployed`,
                          parent,
                      );
                  }
                  if (verify) await verified(name, expectedRef, platforms, toLogin, parent);
                  // The signatures and attestations travel with the bytes (cosign's tags beside the copy).
                  if (src.supplyChain?.publicKey) {
                      const sameRegistry = ref.split("/")[0] === expectedRef.split("/")[0];
                      await cosignCopySignatures(ref, expectedRef.split("@")[0], { [ref.split("/")[0]]: sameRegistry ? toLogin : fromLogin, [expectedRef.split("/")[0]]: toLogin });
                  }
                  return expectedRef;
              }),
          );
    // The moving tags follow the copy (their Index reads it by digest once it exists).
    movingTags.forEach(
        (tag) =>
            new dockerbuild.Index(
                `${name}-tag-${tag}`,
                { tag: pulumi.interpolate`${repo.repository}:${tag}`, sources: [copied], push: true, registry: repo.credentials },
                { parent, provider, retainOnDelete: true },
            ),
    );
    // At preview, before the copy exists, the source's record is what the copy will carry;
    // a source in this stack's own registry (a rollback pin to an earlier copy) reads with its login.
    const sourceReadLogin = pulumi
        .all([sourceRef, expected, sourceLogin, targetLogin])
        .apply(([ref, expectedRef, fromLogin, toLogin]) => (ref.split("/")[0] === expectedRef.split("/")[0] ? (toLogin ?? fromLogin) : fromLogin));
    const supplyChain = pulumi.runtime.isDryRun() ? supplyChainOf(sourceRef, sourceReadLogin) : supplyChainOf(copied, targetLogin);
    return supplyChain ? { ref: pulumi.all([copied, supplyChain]).apply(([r]) => r), supplyChain: supplyChain.apply((r) => r ?? emptyRecord()) } : { ref: copied };
}

function emptyRecord(): SupplyChainRecord {
    return { signature: { signed: false }, platforms: {} };
}

/** The login as plain values for the registry API (inside an apply: never printed). */
function loginOf(credentials: RegistryCredentials | undefined): pulumi.Output<RegistryLogin | undefined> {
    if (!credentials) return pulumi.output(undefined);
    return pulumi.all([credentials.username, credentials.password]).apply(([username, password]) => ({ username, password }));
}

async function verified(name: string, ref: string, platforms: readonly string[], login: RegistryLogin | undefined, parent: pulumi.Resource): Promise<void> {
    try {
        await verifyImage(ref, { platforms, login });
    } catch (err) {
        throw new pulumi.ResourceError(`${name}: ${(err as Error).message}`, parent);
    }
}
