import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ecrImmutableTags } from "../policies/ecr-immutable-tags";
import { ecrScanOnPush } from "../policies/ecr-scan-on-push";
import { ECR_REPOSITORY } from "../lib/ecr";
import { runResource } from "./harness";

/** components/publish/registry.ts serviceRepository's arguments. */
function goshipRepository(): any {
    return {
        name: "goship/hello",
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: ["stack-*", "buildcache-*", "*-dirty*"].map((filter) => ({ filter, filterType: "WILDCARD" })),
    };
}
const repo = (props: object) => ({ type: ECR_REPOSITORY, props, name: "hello-repository" });

test("ecr-scan-on-push: scan on push passes; off or unset fails", async () => {
    assert.deepEqual((await runResource(ecrScanOnPush, repo(goshipRepository()))).violations, []);
    const off = goshipRepository();
    off.imageScanningConfiguration.scanOnPush = false;
    assert.match((await runResource(ecrScanOnPush, repo(off))).violations[0], /not scanned on push/);
    const unset = goshipRepository();
    delete unset.imageScanningConfiguration;
    assert.equal((await runResource(ecrScanOnPush, repo(unset))).violations.length, 1);
});

test("ecr-immutable-tags: IMMUTABLE and goship's exclusions pass; MUTABLE, an extra or a missing exclusion fail", async () => {
    assert.deepEqual((await runResource(ecrImmutableTags, repo(goshipRepository()))).violations, []);
    assert.deepEqual((await runResource(ecrImmutableTags, repo({ ...goshipRepository(), imageTagMutability: "IMMUTABLE" }))).violations, []);
    assert.match((await runResource(ecrImmutableTags, repo({ ...goshipRepository(), imageTagMutability: "MUTABLE" }))).violations[0], /imageTagMutability is MUTABLE/);
    const unset = goshipRepository();
    delete unset.imageTagMutability;
    assert.match((await runResource(ecrImmutableTags, repo(unset))).violations[0], /is MUTABLE/);
    const extra = goshipRepository();
    extra.imageTagMutabilityExclusionFilters.push({ filter: "rel-*", filterType: "WILDCARD" });
    assert.match((await runResource(ecrImmutableTags, repo(extra))).violations[0], /exempts rel-\*/);
    const missing = goshipRepository();
    missing.imageTagMutabilityExclusionFilters.pop();
    assert.match((await runResource(ecrImmutableTags, repo(missing))).violations[0], /lacks \*-dirty\*/);
    const everything = goshipRepository();
    everything.imageTagMutabilityExclusionFilters = [{ filter: "*", filterType: "WILDCARD" }];
    assert.equal((await runResource(ecrImmutableTags, repo(everything))).violations.length, 1);
});
