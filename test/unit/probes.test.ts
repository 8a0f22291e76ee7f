import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgument } from "../../components/arguments";
import { probesSchema } from "../../components/deploy/args";
import { ContainerProbes, renderProbes } from "../../components/deploy/probes";

const probes = (value: unknown) => parseArgument(probesSchema, value, "hello.probes");

/** The handler of a probe without its timings: what kube-score compares (score/probes), gRPC included. */
function handler(p: ContainerProbes["livenessProbe"]): unknown {
    return p.httpGet ?? p.tcpSocket ?? p.exec ?? p.grpc;
}

test("probes: grpc readiness asks grpcService, liveness and startup connect to the port by default", () => {
    const byDefault = renderProbes(probes({ type: "grpc" }), 9090);
    assert.deepEqual(byDefault.readinessProbe.grpc, { port: 9090, service: "" }, "the server's overall health");
    assert.deepEqual(byDefault.livenessProbe.tcpSocket, { port: "http" });
    assert.deepEqual(byDefault.startupProbe.tcpSocket, { port: "http" });
    assert.equal(byDefault.livenessProbe.grpc, undefined);

    const named = renderProbes(probes({ type: "grpc", grpcService: "hello.v1.Hello" }), 9090);
    assert.deepEqual(named.readinessProbe.grpc, { port: 9090, service: "hello.v1.Hello" });
    assert.deepEqual(named.livenessProbe.tcpSocket, { port: "http" });
});

test("probes: grpc liveness asks livenessService when set ('' is the server), distinct from readiness", () => {
    const p = renderProbes(probes({ type: "grpc", grpcService: "hello.v1.Hello", livenessService: "" }), 9090);
    assert.deepEqual(p.livenessProbe.grpc, { port: 9090, service: "" });
    assert.deepEqual(p.startupProbe.grpc, { port: 9090, service: "" });
    assert.deepEqual(p.readinessProbe.grpc, { port: 9090, service: "hello.v1.Hello" });
});

test("probes: grpc liveness and readiness that would ask the same service are refused, with the reason and the fix", () => {
    assert.throws(() => probes({ type: "grpc", livenessService: "" }), /^Error: hello\.probes\.livenessService: liveness and readiness would both ask the gRPC health service "": a pod failing readiness would be restarted .*; remove livenessService/);
    assert.throws(() => probes({ type: "grpc", grpcService: "a.B", livenessService: "a.B" }), /hello\.probes\.livenessService: .*"a\.B"/);
});

test("probes: exec runs the given commands; startup defaults to the liveness command", () => {
    const p = renderProbes(probes({ type: "exec", livenessCommand: ["/usr/local/bin/hello", "-live"], readinessCommand: ["/usr/local/bin/hello", "-ready"] }), 8080);
    assert.deepEqual(p.livenessProbe.exec, { command: ["/usr/local/bin/hello", "-live"] });
    assert.deepEqual(p.readinessProbe.exec, { command: ["/usr/local/bin/hello", "-ready"] });
    assert.deepEqual(p.startupProbe.exec, { command: ["/usr/local/bin/hello", "-live"] });
    const own = renderProbes(probes({ type: "exec", livenessCommand: ["/a", "-live"], readinessCommand: ["/a", "-ready"], startupCommand: ["/a", "-started"] }), 8080);
    assert.deepEqual(own.startupProbe.exec, { command: ["/a", "-started"] });
    assert.throws(() => probes({ type: "exec" }), /^Error: hello\.probes\.livenessCommand: required when probes\.type is exec/);
});

test("probes: identical exec liveness and readiness commands are refused, with the reason and the fix", () => {
    assert.throws(
        () => probes({ type: "exec", livenessCommand: ["/a", "-check"], readinessCommand: ["/a", "-check"] }),
        /^Error: hello\.probes\.readinessCommand: liveness and readiness both run \["\/a","-check"\]: a pod failing readiness would be restarted instead of taken out of rotation \(kube-score pod-probes-identical\); give readiness a command of its own/,
    );
});

test("probes: every kind's defaults give liveness and readiness different checks", () => {
    const kinds = [undefined, { type: "grpc" }, { type: "grpc", grpcService: "x" }, { type: "grpc", grpcService: "x", livenessService: "" }, { type: "exec", livenessCommand: ["/a"], readinessCommand: ["/b"] }];
    for (const kind of kinds) {
        const p = renderProbes(probes(kind), 8080);
        assert.notDeepEqual(handler(p.livenessProbe), handler(p.readinessProbe), JSON.stringify(kind));
    }
});
