import { z } from "zod";

/**
 * Kubernetes names and paths the argument schemas share (args.ts, probe-args.ts,
 * exposure-args.ts).
 */

/** An absolute URL path: probe paths, route prefixes. */
export const httpPath = z.string().regex(/^\/[^\s]*$/, "must be an absolute URL path such as /healthz");

/** A Kubernetes object name of the DNS-subdomain kind (Secrets, IngressClasses, Gateways). */
export const dnsSubdomain = z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a Kubernetes object name: lowercase letters, digits, '-' and '.', e.g. registry-pull");

/** A Kubernetes annotation key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export const annotationKey = z
    .string()
    .max(317)
    .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
        "must be an annotation key: [prefix/]name, e.g. example.com/team",
    );
