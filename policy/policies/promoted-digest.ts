import { StackValidationPolicy } from "@pulumi/policy";
import { isDigest, parseImage } from "../lib/images";
import { POLICY, PromotedDigestConfig } from "../lib/names";
import { containersOf, Deployment, DEPLOYMENT } from "../lib/workloads";

/** goship labels each service's Deployment with its name (components/deploy/labels.ts). */
const SERVICE_LABEL = "app.kubernetes.io/name";

/**
 * A promoted service runs exactly the bytes its upstream stack released. The pack cannot
 * read other stacks: the runner writes each promoted service's upstream digest
 * (releases.<svc>.digest) into this policy's config, from the same read the promotion uses.
 */
export const promotedDigestMatchesUpstream: StackValidationPolicy = {
    name: POLICY.promotedDigest,
    description: "Each promoted service's Deployment runs the digest its upstream stack released (policy config expected: service → digest).",
    configSchema: { properties: { expected: { type: "object", additionalProperties: { type: "string" }, default: {} } } },
    validateStack: (args, report) => {
        const expected = args.getConfig<PromotedDigestConfig>().expected ?? {};
        if (Object.keys(expected).length === 0) args.notApplicable("no promoted service (the runner writes expected digests)");
        const deployments = args.resources.filter((r) => r.type === DEPLOYMENT);
        for (const [service, digest] of Object.entries(expected)) {
            const mine = deployments.filter((r) => (r.props as Deployment).metadata?.labels?.[SERVICE_LABEL] === service);
            if (mine.length === 0) {
                report(`${service}: promoted, but no Deployment labelled ${SERVICE_LABEL}=${service}; the upstream released ${digest}`);
                continue;
            }
            for (const r of mine) {
                const spec = (r.props as Deployment).spec?.template?.spec ?? {};
                for (const c of containersOf(spec)) {
                    const ref = c.image ?? "";
                    const actual = parseImage(ref).digest;
                    if (!isDigest(actual) || actual !== digest) {
                        report(`${r.name}: container "${c.name}" runs ${ref}, but the upstream stack released ${service} at ${digest}; promote again (npm run promote) or fix the image source`, r.urn);
                    }
                }
            }
        }
    },
};
