import { z } from "zod";
import { annotationKey, dnsSubdomain, httpPath } from "./k8s-names";

/** A DNS name an Ingress or HTTPRoute answers to; a leading `*.` is a wildcard. */
const hostname = z
    .string()
    .max(253)
    .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a DNS name such as hello.example.com (lowercase; *.example.com for a wildcard; no scheme, port or path)");

/** Fields both kinds of exposure share. */
const exposureCommon = {
    /** Host name the route answers to. Required. */
    host: hostname,
    /** Path prefix routed to the service. @default "/" */
    path: httpPath.default("/"),
    /** Annotations for the Ingress or HTTPRoute (controller settings). @default none */
    annotations: z.record(annotationKey, z.string()).default({}).describe("annotations on the Ingress or HTTPRoute, e.g. the controller's settings"),
};

const ingressExposure = z
    .strictObject({
        kind: z.literal("ingress"),
        ...exposureCommon,
        /** IngressClass of the controller that serves it. @default the cluster's default IngressClass */
        ingressClassName: dnsSubdomain.optional().describe("IngressClass; the cluster's default class when unset"),
        /** kubernetes.io/tls Secret (in the namespace) with the host's certificate. Required unless plainHttp. */
        tlsSecretName: dnsSubdomain.optional().describe("kubernetes.io/tls Secret with the host's certificate, in the stack's namespace"),
        /** Serve plain HTTP on purpose: no TLS section (Polaris tlsSettingsMissing reports it). @default false */
        plainHttp: z.boolean().default(false).describe("serve plain HTTP on purpose (no tls section); the linters report it"),
    })
    .superRefine((e, ctx) => {
        if (e.tlsSecretName === undefined && !e.plainHttp) {
            ctx.addIssue({
                code: "custom",
                path: ["tlsSecretName"],
                message: `is required: without it the Ingress serves ${e.host} over plain HTTP (Polaris tlsSettingsMissing); name the kubernetes.io/tls Secret holding its certificate, or set plainHttp: true to serve HTTP on purpose`,
            });
        }
        if (e.tlsSecretName !== undefined && e.plainHttp) {
            ctx.addIssue({ code: "custom", path: ["plainHttp"], message: "contradicts tlsSecretName (TLS is on); remove one of the two" });
        }
    });

const httpRouteExposure = z.strictObject({
    kind: z.literal("httpRoute"),
    ...exposureCommon,
    /** The Gateway that serves the route (TLS is its listener's). Required. */
    parentRef: z
        .strictObject({
            /** Gateway name. Required. */
            name: dnsSubdomain,
            /** Gateway namespace; its listener's allowedRoutes must admit this one. @default the route's namespace */
            namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a namespace name (a DNS label)").max(63).optional(),
            /** Listener of the Gateway to attach to. @default every listener that admits the route */
            sectionName: dnsSubdomain.optional().describe("listener name of the Gateway; every listener that admits the route when unset"),
        })
        .describe("the Gateway: {name, namespace, sectionName}"),
});

/**
 * How the Service is reached from outside the cluster: an Ingress (networking.k8s.io/v1)
 * or a Gateway API HTTPRoute (gateway.networking.k8s.io/v1), by `kind`.
 */
export const exposureSchema = z.discriminatedUnion("kind", [ingressExposure, httpRouteExposure], {
    message: 'must have kind "ingress" (host, tlsSecretName, ingressClassName) or "httpRoute" (host, parentRef)',
});

/** An Ingress or HTTPRoute, validated and defaulted. */
export type ExposureSpec = z.output<typeof exposureSchema>;
