import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { supplyChainProblems, supplyChainSchema } from "../../stack/supply-chain";

test("goship:supplyChain on this machine: a missing key file, database or tool is refused by name, with how to get it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-sc-"));
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, "no-tools-here");
    try {
        const config = supplyChainSchema.parse({ publicKey: "cosign.pub", signing: {}, vulnerabilities: { db: ".goship/vulndb" } });
        const problems = supplyChainProblems(config, dir, true);
        assert.equal(problems.length, 5, problems.join("\n"));
        assert.match(problems[0], /^goship:supplyChain\.publicKey: .*cosign\.pub cannot be read; give the path of the cosign\.pub that cosign generate-key-pair wrote/);
        assert.match(problems[1], /^goship:supplyChain\.vulnerabilities\.db: .*vulndb has no index\/db\.json: build the database there \(tools\/supplychain\/vulndb\.sh\) or name a mirror URL/);
        assert.match(problems[2], /^goship:supplyChain\.vulnerabilities: govulncheck is not on PATH, and the vulnerability gate runs it: install it \(tools\/supplychain\/install\.sh .*go install golang\.org\/x\/vuln\/cmd\/govulncheck@v1\.9\.0/);
        assert.match(problems[3], /^goship:supplyChain\.signing: cosign is not on PATH/);
        assert.match(problems[4], /^goship:supplyChain\.signing: cyclonedx-gomod is not on PATH/);
        assert.deepEqual(supplyChainProblems(config, dir, false).filter((p) => p.includes("signing")), [], "a stack that builds nothing signs nothing");
        fs.writeFileSync(path.join(dir, "cosign.pub"), "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n");
        assert.match(supplyChainProblems(config, dir, false)[0], /cosign\.pub is not a PEM public key/);
    } finally {
        process.env.PATH = saved;
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("goship:supplyChain's schema: signing and requireSignature need the public key", () => {
    const problems = (value: unknown) => {
        const r = supplyChainSchema.safeParse(value);
        return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    assert.deepEqual(problems({ signing: {} }), ["publicKey: required with signing: goship verifies what it signed and records it; give cosign.pub's path"]);
    assert.deepEqual(problems({ requireSignature: true }), ["publicKey: required with requireSignature: the key signatures must verify with"]);
    assert.match(problems({ vulnerabilities: { db: "x", action: "block" } })[0], /^vulnerabilities\.action: /);
    assert.match(problems({ signing: { keyKey: "no spaces allowed" }, publicKey: "k" })[0], /^signing\.keyKey: must be the name of a secret stack config key/);
    assert.deepEqual(problems({ publicKey: "cosign.pub", requireSignature: true, vulnerabilities: { db: ".goship/vulndb", action: "fail" } }), []);
});
