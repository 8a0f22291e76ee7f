import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GoDeployment } from "../../components";
import { one, ofType, runComponents, runStack } from "../harness/program";

const IMAGE = "r/api@sha256:" + "a".repeat(64);
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

test("GoDeployment from code: an HTTPRoute (a CustomResource) to its Service, after the Service, parented to the component", async () => {
    const run = await runComponents(() => {
        const api = new GoDeployment("api", {
            image: IMAGE,
            namespace: "team",
            exposure: { kind: "httpRoute", host: "api.example.com", path: "/v1", parentRef: { name: "public", namespace: "gateways", sectionName: "https" }, annotations: { "example.com/team": "api" } },
        });
        return api.url;
    });
    const route = one(run.resources, HTTP_ROUTE, "api-route");
    assert.equal(route.inputs.apiVersion, "gateway.networking.k8s.io/v1");
    assert.equal(route.inputs.kind, "HTTPRoute");
    assert.equal(route.inputs.metadata.namespace, "team");
    assert.deepEqual(route.inputs.metadata.annotations, { "example.com/team": "api" });
    assert.deepEqual(route.inputs.spec, {
        parentRefs: [{ name: "public", namespace: "gateways", sectionName: "https" }],
        hostnames: ["api.example.com"],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/v1" } }], backendRefs: [{ name: "api", port: 80 }] }],
    });
    assert.ok(route.options.dependencies?.includes(one(run.resources, "kubernetes:core/v1:Service", "api-service").urn), "created after its Service");
    assert.ok(route.urn.includes("goship:index:GoDeployment$kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::api-route"), "parented to the component");
    assert.equal(ofType(run.resources, INGRESS).length, 0);
});

test("GoDeployment from code: an Ingress without TLS is a ResourceError naming the argument", async () => {
    await assert.rejects(
        runComponents(() => new GoDeployment("api", { image: IMAGE, namespace: "team", exposure: { kind: "ingress", host: "api.example.com" } })),
        (err: Error) => pulumi.ResourceError.isInstance(err) && /^api\.exposure\.tlsSecretName: is required/.test(err.message),
    );
});

test("dev: not exposed by default; an HTTPRoute from config, and no Ingress with it", async () => {
    const plain = await runStack("dev");
    assert.equal(ofType(plain.resources, INGRESS).length + ofType(plain.resources, HTTP_ROUTE).length, 0);
    const run = await runStack("dev", { mutate: (c) => Object.assign((c["goship:services"] as Record<string, unknown>[])[0], { exposure: { kind: "httpRoute", host: "hello.dev.example", parentRef: { name: "dev-gateway" } } }) });
    assert.deepEqual(one(run.resources, HTTP_ROUTE, "hello-route").inputs.spec.parentRefs, [{ name: "dev-gateway" }]);
    assert.equal(ofType(run.resources, INGRESS).length, 0);
});
