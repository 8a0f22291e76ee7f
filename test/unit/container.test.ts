import { test } from "node:test";
import assert from "node:assert/strict";
import { deploymentSettings as settings, renderTestPod as pod } from "../harness/pod";

test("container: command, args and workingDir reach the container as given; unset, the image's own apply", () => {
    const { container } = pod({ command: ["/usr/local/bin/hello"], args: ["-listen", ":$(PORT)"], workingDir: "/tmp" });
    assert.deepEqual([container.command, container.args, container.workingDir], [["/usr/local/bin/hello"], ["-listen", ":$(PORT)"], "/tmp"]);
    const plain = pod({}).container;
    assert.deepEqual([plain.command, plain.args, plain.workingDir], [undefined, undefined, undefined], "the ENTRYPOINT and the image's working directory");
});

test("container settings: an empty command, a relative or foreign working directory are refused with the fix", () => {
    assert.throws(() => settings({ command: [] }), /^Error: hello\.command: must name the executable \(e\.g\. \/usr\/local\/bin\/hello\), or remove command/);
    assert.throws(() => settings({ workingDir: "app" }), /^Error: hello\.workingDir: "app" is not an absolute path; use one such as \/tmp/);
    assert.throws(() => settings({ os: "windows", workingDir: "/app" }), /^Error: hello\.workingDir: "\/app" is not an absolute Windows path; use one such as C:\\app/);
    assert.equal(settings({ os: "windows", workingDir: "C:\\app" }).workingDir, "C:\\app");
    assert.equal(settings({ args: [] }).args?.length, 0, "no arguments is an argument list");
});
