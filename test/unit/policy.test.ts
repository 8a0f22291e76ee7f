import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { CONFIG_KEYS, ConfigError, parseStackConfig } from "../../stack/config";
import { RENDER_IMAGE_REGISTRY } from "../../stack/target";
import { MUTABLE_TAG_PATTERNS } from "../../components/publish/tags";
import { GOSHIP_MUTABLE_TAG_FILTERS, POLICY, POLICY_NAMES } from "../../policy/lib/names";
import { enforcementOf, policyPackConfig, registryPattern } from "../../tools/local/policy";
import { blockingCouldNotRun, formatFinding, policyResults } from "../../tools/local/policy-events";
import { rawStackConfig } from "../harness/stack-files";

const fixture = path.resolve(__dirname, "..", "..", "..", "test", "unit", "fixtures", "policy-events-dev-preview.json");
/** Engine events of a real dev preview with a rebuild pending (the image digest unknown). */
const devPreview = JSON.parse(fs.readFileSync(fixture, "utf8")) as EngineEvent[];
const DEPLOYMENT_URN = "urn:pulumi:dev::goship::goship:index:GoService$goship:index:GoDeployment$kubernetes:apps/v1:Deployment::hello-deployment";

function stackConfig(stack: string) {
    const raw = Object.fromEntries(
        Object.entries(rawStackConfig(stack))
            .map(([k, v]) => [k.replace(/^goship:/, ""), v] as const)
            .filter(([k]) => (CONFIG_KEYS as readonly string[]).includes(k)),
    );
    return parseStackConfig(raw);
}

test("a recorded preview: the three image policies could not run on the Deployment (unknown image), no violation", () => {
    const r = policyResults(devPreview);
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.couldNotRun.map((c) => [c.policyName, c.resourceUrn, c.enforcementLevel]), [
        [POLICY.imageDigest, DEPLOYMENT_URN, "advisory"],
        [POLICY.imageRegistry, DEPLOYMENT_URN, "advisory"],
        [POLICY.imageNoLatest, DEPLOYMENT_URN, "advisory"],
    ]);
    assert.equal(r.couldNotRun[0].reason, "string value at .spec.template.spec.containers.0.image can't be known during preview");
    assert.equal(r.couldNotRun[0].policyPack, "goship@v0.1.0");
    // The engine's summaries: the Deployment's three image policies failed (could not run), the stack's PDB passed.
    const deployment = r.summaries.find((s) => s.resourceUrn === DEPLOYMENT_URN);
    assert.deepEqual(deployment?.failed, [POLICY.imageNoLatest, POLICY.imageDigest, POLICY.imageRegistry]);
    assert.deepEqual(r.summaries.find((s) => s.resourceUrn === undefined)?.passed, [POLICY.pdb]);
    // Reported as advisory whatever the configured level: the caller's config says what it was.
    assert.deepEqual(blockingCouldNotRun(r), []);
    const asMandatory = policyResults(devPreview, () => "mandatory");
    assert.equal(blockingCouldNotRun(asMandatory).length, 3);
    assert.match(formatFinding(asMandatory.couldNotRun[0]), /^image-pinned-by-digest on urn:pulumi:dev::goship::.*hello-deployment \(mandatory, could not run\): can't run policy/);
});

test("a violation event is a violation at the engine's level; repeats are counted once", () => {
    const violation: EngineEvent = {
        sequence: 1,
        timestamp: 0,
        policyEvent: {
            resourceUrn: DEPLOYMENT_URN,
            message: 'hello-deployment: container "hello" image "x:latest" is not pinned by digest\n',
            color: "never",
            policyName: POLICY.imageDigest,
            policyPackName: "goship",
            policyPackVersion: "0.1.0",
            policyPackVersionTag: "0.1.0",
            enforcementLevel: "mandatory",
        },
    };
    const r = policyResults([violation, { ...violation, sequence: 2 }]);
    assert.deepEqual(r, {
        couldNotRun: [],
        summaries: [],
        violations: [{ policyName: POLICY.imageDigest, policyPack: "goship@v0.1.0", resourceUrn: DEPLOYMENT_URN, enforcementLevel: "mandatory", message: 'hello-deployment: container "hello" image "x:latest" is not pinned by digest' }],
    });
});

test("the pack config: every policy at the stack's level; production, registries and expected digests where they apply", () => {
    const dev = policyPackConfig(stackConfig("dev"), {}, false);
    assert.deepEqual(Object.keys(dev).sort(), [...POLICY_NAMES].sort());
    assert.ok(Object.values(dev).every((e) => e.enforcementLevel === "advisory"));
    assert.deepEqual(dev[POLICY.imageRegistry].allowedRegistries, ["127.0.0.1:5000/goship"]);
    assert.equal(dev[POLICY.productionReplicas].production, false);
    const prod = policyPackConfig(stackConfig("local-prod"), { hello: "sha256:" + "a".repeat(64) }, true);
    assert.ok(Object.values(prod).every((e) => e.enforcementLevel === "mandatory"));
    assert.equal(prod[POLICY.productionSpread].production, true);
    assert.deepEqual(prod[POLICY.promotedDigest].expected, { hello: "sha256:" + "a".repeat(64) });
    // Render mode deploys the placeholder image, so its registry is allowed there only.
    assert.deepEqual(prod[POLICY.imageRegistry].allowedRegistries, ["127.0.0.1:5001/goship-prod", RENDER_IMAGE_REGISTRY]);
});

test("each stack's policy settings: dev advisory; the staging stacks mandatory; the prod stacks production", () => {
    const expected: Record<string, [boolean, string]> = {
        dev: [false, "advisory"],
        "local-staging": [false, "mandatory"],
        staging: [false, "mandatory"],
        "local-prod": [true, "mandatory"],
        prod: [true, "mandatory"],
    };
    for (const [stack, [production, level]] of Object.entries(expected)) {
        const settings = stackConfig(stack).policy;
        assert.deepEqual([settings.production, enforcementOf(settings)], [production, level], stack);
    }
});

test("allowed registries default to the stack's own; ECR's account is a wildcard", () => {
    assert.equal(registryPattern({ type: "ecr", region: "eu-west-1", repositoryPrefix: "goship", keepLastImages: 50, untaggedExpiryDays: 7 }), "*.dkr.ecr.eu-west-1.amazonaws.com/goship");
    const c = stackConfig("dev");
    const defaulted = policyPackConfig({ ...c, policy: { production: false } }, {}, false);
    assert.deepEqual(defaulted[POLICY.imageRegistry].allowedRegistries, ["127.0.0.1:5000/goship"]);
});

function policyProblems(policy: unknown): string[] {
    const raw = {
        services: [{ name: "hello", path: "app" }],
        registry: { type: "generic", server: "127.0.0.1:5000" },
        kubernetes: { kubeconfig: ".goship/kubeconfig", namespace: "goship-dev" },
        policy,
    };
    try {
        parseStackConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.problems;
    }
    return [];
}

test("goship:policy: bad values are refused with the key and the fix", () => {
    assert.deepEqual(policyProblems({ production: true, enforcement: "advisory" }), [
        "goship:policy.enforcement: a production stack's policies are mandatory; remove enforcement, or set production: false",
        "goship:supplyChain.requireSignature: a production stack deploys only signed digests: set goship:supplyChain.publicKey (cosign.pub) and requireSignature: true",
    ]);
    assert.match(policyProblems({ enforcement: "strict" })[0], /^goship:policy\.enforcement: must be "advisory" .* or "mandatory"/);
    assert.match(policyProblems({ allowedRegistries: ["https://ghcr.io"] })[0], /^goship:policy\.allowedRegistries\[0\]: must be host\[:port\]\[\/path\]/);
    assert.match(policyProblems({ allowedRegistries: [] })[0], /^goship:policy\.allowedRegistries: list at least one registry/);
    assert.match(policyProblems({ prodution: true })[0], /^goship:policy: .*prodution/);
    assert.deepEqual(policyProblems(undefined), []);
});

test("the pack's copy of goship's moving ECR tags is goship's own", () => {
    assert.deepEqual([...GOSHIP_MUTABLE_TAG_FILTERS], [...MUTABLE_TAG_PATTERNS]);
});
