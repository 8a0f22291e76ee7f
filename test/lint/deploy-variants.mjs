// Writes the deploy-side lint variants into DIR (node test/lint/deploy-variants.mjs DIR):
// stack files that differ from a committed one in one setting each, rendered and linted
// by test/lint/run.sh. Each prints its name, stack and the findings it must draw.
//   httproute           dev with a Gateway API HTTPRoute (a CRD: only rendered and linted
//                       here; e2e step 9 applies no stack that has one)
//   probes-grpc         dev with gRPC probes (liveness a TCP connect, readiness the health service)
//   ingress-http        prod's Ingress without TLS: Polaris' tlsSettingsMissing, and only that
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const YAML = createRequire(path.join(repo, "package.json"))("yaml");
const dir = process.argv[2];

const stackFile = (stack) => YAML.parse(fs.readFileSync(path.join(repo, `Pulumi.${stack}.yaml`), "utf8"));
// Probes are part of a service's identity (not overridable): the variant sets goship:services whole.
const projectServices = () => YAML.parse(fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8")).config.services.default;

const variants = {
    httproute: ["dev", "", (doc) => {
        doc.config["goship:overrides"].hello.exposure = { kind: "httpRoute", host: "hello.dev.example", path: "/", parentRef: { name: "public", namespace: "gateways", sectionName: "https" } };
    }],
    "probes-grpc": ["dev", "", (doc) => {
        doc.config["goship:services"] = projectServices().map((s) => ({ ...s, probes: { type: "grpc", grpcService: "hello.v1.Hello" } }));
    }],
    "ingress-http": ["prod", "[tlsSettingsMissing]", (doc) => {
        doc.config["goship:overrides"].hello.exposure = { kind: "ingress", host: "hello.example.com", ingressClassName: "nginx", plainHttp: true };
    }],
};

fs.mkdirSync(dir, { recursive: true });
for (const [name, [stack, expected, change]] of Object.entries(variants)) {
    const doc = stackFile(stack);
    change(doc);
    fs.writeFileSync(path.join(dir, `${name}.yaml`), YAML.stringify(doc));
    console.log(`${name} ${stack} ${expected}`);
}
