import * as k8s from "@pulumi/kubernetes";
import { ExposureSpec } from "./args";
import { SERVICE_PORT } from "./policies";

type IngressSpec = k8s.types.input.networking.v1.IngressSpec;

/**
 * A service reached from outside the cluster, through the controller or Gateway the
 * cluster runs; goship renders the route to its Service (port 80), nothing else. The
 * NetworkPolicy already admits the container port from any source (policies.ts), so the
 * controller's or Gateway's pods reach the pods.
 */

/** The Gateway API version goship renders HTTPRoutes for (its standard channel). */
export const HTTP_ROUTE_API_VERSION = "gateway.networking.k8s.io/v1";

/** An Ingress's spec: one host, one Prefix path to the Service, TLS for the host unless plainHttp. */
export function renderIngressSpec(e: Extract<ExposureSpec, { kind: "ingress" }>, serviceName: string): IngressSpec {
    return {
        ingressClassName: e.ingressClassName,
        tls: e.tlsSecretName === undefined ? undefined : [{ hosts: [e.host], secretName: e.tlsSecretName }],
        rules: [
            {
                host: e.host,
                http: { paths: [{ path: e.path, pathType: "Prefix", backend: { service: { name: serviceName, port: { number: SERVICE_PORT } } } }] },
            },
        ],
    };
}

/** The spec of an HTTPRoute (a CRD, so no SDK type): the Gateway, the host, one PathPrefix to the Service. */
export interface HttpRouteSpec {
    parentRefs: { name: string; namespace?: string; sectionName?: string }[];
    hostnames: string[];
    rules: { matches: { path: { type: "PathPrefix"; value: string } }[]; backendRefs: { name: string; port: number }[] }[];
}

/** An HTTPRoute's spec. Group and kind of the refs are the API's defaults (Gateway, core Service), left out. */
export function renderHttpRouteSpec(e: Extract<ExposureSpec, { kind: "httpRoute" }>, serviceName: string): HttpRouteSpec {
    const { name, namespace, sectionName } = e.parentRef;
    return {
        parentRefs: [{ name, ...(namespace === undefined ? {} : { namespace }), ...(sectionName === undefined ? {} : { sectionName }) }],
        hostnames: [e.host],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: e.path } }], backendRefs: [{ name: serviceName, port: SERVICE_PORT }] }],
    };
}
