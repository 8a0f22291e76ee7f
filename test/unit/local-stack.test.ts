import { test } from "node:test";
import assert from "node:assert/strict";
import { checkEnvironment, parseCliArgs, plainOutputs } from "../../tools/local/stack";

test("stack.js reads the CLI's flags: operation, stack, --expect-no-changes, --diff; --yes is accepted", () => {
    assert.deepEqual(parseCliArgs(["up", "--yes"]), { operation: "up", stack: "dev", options: {} });
    assert.deepEqual(parseCliArgs(["preview", "--stack", "staging", "--expect-no-changes", "--diff"]), {
        operation: "preview",
        stack: "staging",
        options: { expectNoChanges: true, diff: true },
    });
});

test("stack.js refuses an unknown operation or flag, naming it", () => {
    assert.throws(() => parseCliArgs(["deploy"]), /usage: stack\.js <preview\|up\|destroy\|refresh\|outputs>/);
    assert.throws(() => parseCliArgs(["up", "--force"]), /unknown flag --force/);
    assert.throws(() => parseCliArgs(["up", "--stack"]), /--stack needs a stack name/);
});

test("without the local platform's environment it stops before touching any state, naming the variables", () => {
    assert.throws(() => checkEnvironment({}), /PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE not set: run this through tools\/local\/local\.sh/);
    assert.throws(() => checkEnvironment({ PULUMI_BACKEND_URL: "file:///x" }), /^Error: PULUMI_CONFIG_PASSPHRASE not set/);
    // An empty passphrase is a valid passphrase.
    assert.doesNotThrow(() => checkEnvironment({ PULUMI_BACKEND_URL: "file:///x", PULUMI_CONFIG_PASSPHRASE: "" }));
});

test("outputs print as plain JSON with secrets masked", () => {
    assert.deepEqual(plainOutputs({ images: { value: { hello: "r@sha256:1" }, secret: false }, token: { value: "s3cret", secret: true } }), {
        images: { hello: "r@sha256:1" },
        token: "[secret]",
    });
});
