import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgument } from "../../components/arguments";
import { exposureSchema } from "../../components/deploy/args";
import { renderHttpRouteSpec, renderIngressSpec } from "../../components/deploy/exposure";

const exposure = (value: unknown) => parseArgument(exposureSchema, value, "hello.exposure");

test("exposure ingress: one host, a Prefix path to the Service's port 80, TLS for the host", () => {
    const e = exposure({ kind: "ingress", host: "hello.example.com", tlsSecretName: "hello-tls", ingressClassName: "nginx" });
    assert.ok(e.kind === "ingress");
    assert.deepEqual(renderIngressSpec(e, "hello"), {
        ingressClassName: "nginx",
        tls: [{ hosts: ["hello.example.com"], secretName: "hello-tls" }],
        rules: [{ host: "hello.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "hello", port: { number: 80 } } } }] } }],
    });
});

test("exposure ingress: plain HTTP only when asked for; the class may be the cluster's default", () => {
    const e = exposure({ kind: "ingress", host: "*.apps.example.com", path: "/hello", plainHttp: true });
    assert.ok(e.kind === "ingress");
    const spec = renderIngressSpec(e, "hello");
    assert.equal(spec.tls, undefined);
    assert.equal(spec.ingressClassName, undefined);
    assert.equal((spec.rules as { http: { paths: { path: string }[] } }[])[0].http.paths[0].path, "/hello");
});

test("exposure ingress: no TLS without plainHttp, both at once, or a host that is not a DNS name are refused with the fix", () => {
    assert.throws(() => exposure({ kind: "ingress", host: "hello.example.com" }), /^Error: hello\.exposure\.tlsSecretName: is required: without it the Ingress serves hello\.example\.com over plain HTTP \(Polaris tlsSettingsMissing\); name the kubernetes\.io\/tls Secret .*, or set plainHttp: true/);
    assert.throws(() => exposure({ kind: "ingress", host: "hello.example.com", tlsSecretName: "t", plainHttp: true }), /hello\.exposure\.plainHttp: contradicts tlsSecretName/);
    for (const host of ["https://hello.example.com", "Hello.example.com", "hello.example.com:443", "hello.example.com/x"]) {
        assert.throws(() => exposure({ kind: "ingress", host, plainHttp: true }), /hello\.exposure\.host: must be a DNS name such as hello\.example\.com/, host);
    }
    assert.throws(() => exposure({ kind: "ingress", host: "a.example.com", path: "hello", plainHttp: true }), /hello\.exposure\.path: must be an absolute URL path/);
});

test("exposure httpRoute: the Gateway as parentRef, the host, a PathPrefix to the Service's port 80", () => {
    const e = exposure({ kind: "httpRoute", host: "hello.example.com", path: "/api", parentRef: { name: "public", namespace: "gateways", sectionName: "https" } });
    assert.ok(e.kind === "httpRoute");
    assert.deepEqual(renderHttpRouteSpec(e, "hello"), {
        parentRefs: [{ name: "public", namespace: "gateways", sectionName: "https" }],
        hostnames: ["hello.example.com"],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/api" } }], backendRefs: [{ name: "hello", port: 80 }] }],
    });
    const local = exposure({ kind: "httpRoute", host: "hello.example.com", parentRef: { name: "public" } });
    assert.ok(local.kind === "httpRoute");
    assert.deepEqual(renderHttpRouteSpec(local, "hello").parentRefs, [{ name: "public" }], "the route's own namespace, every listener");
});

test("exposure: a kind is required and cannot carry the other kind's fields", () => {
    assert.throws(() => exposure({ host: "a.example.com" }), /hello\.exposure\.kind: must have kind "ingress" .* or "httpRoute"/);
    assert.throws(() => exposure({ kind: "httpRoute", host: "a.example.com", parentRef: { name: "g" }, tlsSecretName: "t" }), /hello\.exposure: unknown key tlsSecretName/);
    assert.throws(() => exposure({ kind: "httpRoute", host: "a.example.com" }), /hello\.exposure\.parentRef: is required/);
});
