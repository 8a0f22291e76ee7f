import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, CONFIG_NAMESPACE, REGISTRY_PASSWORD_KEY } from "../../stack/config";
import { REPO_ROOT } from "../harness/program";

/**
 * The Pulumi CLI validates stack config against Pulumi.yaml's `config:` block before the
 * program runs (sdk/go/common/workspace/config.go): a declared key without a default is
 * required on every stack, and a typed key must have that type. These tests apply the same
 * rules to the committed stacks, so a declaration cannot break a stack unnoticed.
 */
interface Declaration {
    type?: "string" | "integer" | "boolean" | "array" | "object";
    items?: { type: string };
    default?: unknown;
    secret?: boolean;
}

const project = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, Declaration> };
const stacks = fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f));

function hasType(type: string, value: unknown): boolean {
    switch (type) {
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        case "array":
            return Array.isArray(value);
        case "integer":
            return Number.isInteger(value);
        default:
            return typeof value === type;
    }
}

test("the project is named after the config namespace and declares only keys goship reads", () => {
    assert.equal(project.name, CONFIG_NAMESPACE);
    for (const key of Object.keys(project.config)) {
        assert.ok((CONFIG_KEYS as readonly string[]).includes(key) || key === REGISTRY_PASSWORD_KEY, `${key} is declared but never read`);
    }
});

test("there are dev, staging and prod stacks, the local platform's local-staging and local-prod, local-catalog, and the vulnerability gate's local-vuln and local-vuln-prod", () => {
    assert.deepEqual(stacks.sort(), ["Pulumi.dev.yaml", "Pulumi.local-catalog.yaml", "Pulumi.local-prod.yaml", "Pulumi.local-staging.yaml", "Pulumi.local-vuln-prod.yaml", "Pulumi.local-vuln.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
});

/**
 * local-catalog ships another team's service (test/fixtures/catalog) and nothing else: it
 * lists its own services, none of which Pulumi.yaml defines, so each is still defined once.
 */
const STANDALONE_STACKS = ["Pulumi.local-catalog.yaml", "Pulumi.local-vuln.yaml", "Pulumi.local-vuln-prod.yaml"];

test("each service is defined once: no stack file repeats Pulumi.yaml's services; a standalone stack defines only services of its own, without overrides", () => {
    const projectServices = new Set((project.config.services.default as { name: string }[]).map((s) => s.name));
    for (const file of stacks) {
        const config = (parseYaml(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config: Record<string, unknown> }).config;
        const services = config[`${CONFIG_NAMESPACE}:services`] as { name: string }[] | undefined;
        if (!STANDALONE_STACKS.includes(file)) {
            assert.equal(services, undefined, `${file} repeats the services' definition`);
            continue;
        }
        assert.ok(services && services.length > 0, `${file} lists its services`);
        for (const s of services) assert.ok(!projectServices.has(s.name), `${file} redefines ${s.name}, which Pulumi.yaml defines`);
        assert.equal(config[`${CONFIG_NAMESPACE}:overrides`], undefined, `${file}: a standalone stack has nothing to override`);
    }
});

for (const file of stacks) {
    test(`${file} passes the CLI's project config rules`, () => {
        const config = (parseYaml(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config: Record<string, unknown> }).config;
        for (const [key, decl] of Object.entries(project.config)) {
            const value = config[`${CONFIG_NAMESPACE}:${key}`];
            if (value === undefined) {
                assert.ok(decl.default !== undefined, `${file} lacks ${key}, which Pulumi.yaml declares without a default (the CLI would refuse the stack)`);
                continue;
            }
            if (decl.type) assert.ok(hasType(decl.type, value), `${file}: ${key} must be of type ${decl.type}`);
            if (decl.type === "array" && decl.items) {
                for (const item of value as unknown[]) assert.ok(hasType(decl.items.type, item), `${file}: ${key} items must be ${decl.items.type}`);
            }
        }
        for (const key of Object.keys(config)) {
            assert.ok(key.startsWith(`${CONFIG_NAMESPACE}:`), `${file}: ${key} is outside the goship namespace`);
        }
    });
}

test("declared defaults have their declared type", () => {
    for (const [key, decl] of Object.entries(project.config)) {
        if (decl.default !== undefined && decl.type) assert.ok(hasType(decl.type, decl.default), key);
    }
});
