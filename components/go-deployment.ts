import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { parseArguments } from "./arguments";
import { goDeploymentSettingsSchema } from "./deploy/args";
import { selectorLabels, standardLabels } from "./deploy/labels";
import { HTTP_ROUTE_API_VERSION, renderHttpRouteSpec, renderIngressSpec } from "./deploy/exposure";
import { renderDeploymentSpec, renderPodTemplate } from "./deploy/pod";
import { rolloutAwaitAnnotations } from "./deploy/rollout-await";
import { renderHpaSpec, renderNetworkPolicySpec, renderPdbSpec, renderServiceSpec } from "./deploy/policies";
import { planTimezone } from "./deploy/timezone";
import { windowsBuildOf } from "./deploy/windows";

/**
 * GoDeployment's arguments: the runtime settings (documented with their defaults in
 * deploy/args.ts) and what only code can give: the image, the namespace, secret values.
 */
export interface GoDeploymentArgs extends Omit<z.input<typeof goDeploymentSettingsSchema>, "secretEnv"> {
    /** Image pinned by digest (`repo@sha256:…`), so a new build rolls out and an unchanged one does not. Required. */
    image: pulumi.Input<string>;
    /** Namespace for every object. Required. */
    namespace: pulumi.Input<string>;
    /** Secret env vars (name → secret value), delivered through a Secret and secretKeyRef. @default none */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** Resources the Deployment must wait for, e.g. the PriorityClass its pods name. @default none */
    waitFor?: pulumi.Resource[];
    /** Value of the app.kubernetes.io/version label. @default none */
    version?: string;
    /** Value of the app.kubernetes.io/part-of label. @default "goship" */
    partOf?: string;
}

/**
 * Runs a Go service image on Kubernetes: Deployment, Service, ServiceAccount, and as
 * configured PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy, ConfigMaps and
 * an Ingress or HTTPRoute.
 * Secure by default (non-root, read-only root, no capabilities, RuntimeDefault seccomp).
 */
export class GoDeployment extends pulumi.ComponentResource {
    /** In-cluster URL of the Service, e.g. `http://hello.goship-dev.svc.cluster.local`. */
    public readonly url: pulumi.Output<string>;
    public readonly deploymentName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** The image the pods run. */
    public readonly image: pulumi.Output<string>;
    /**
     * The image of the Deployment as the cluster accepted it. It is read from the
     * Deployment's own outputs, which exist only once the provider has seen the rollout
     * Available: evidence, not intent (what a release record is built from).
     */
    public readonly rolledOutImage: pulumi.Output<string>;

    constructor(name: string, args: GoDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:index:GoDeployment", name, {}, opts);
        const { image, namespace: namespaceInput, secretEnv: secretValues = {}, waitFor = [], version, partOf = "goship", ...settings } = args;
        const s = parseArguments(goDeploymentSettingsSchema, { ...settings, secretEnv: secretValues }, this, name);
        const { os, port, replicas, resources, probes, networkPolicy, autoscaling, rolloutTimeoutSeconds } = s;

        const namespace = pulumi.output(namespaceInput);
        const selector = selectorLabels(name);
        // The version label goes on the Deployment and its pods only: on every object it
        // would make each release (or promotion) update the Service, PDB, ConfigMaps... too.
        const labels = standardLabels(name, { partOf, version });
        const objectLabels = standardLabels(name, { partOf });
        const metadata = (objectName: string) => ({ name: objectName, namespace, labels: objectLabels });
        const child = { parent: this };

        const tz = planTimezone({ zone: s.timezone.zone, mode: s.timezone.mode, os, configMapName: `${name}-tz` });
        if (tz.mode === "hostPath") {
            pulumi.log.warn(
                `${name}: timezone mode hostPath mounts the node's /etc/localtime; Pod Security baseline and restricted reject hostPath volumes, so the namespace must allow privileged pods`,
                this,
            );
        }
        if (tz.configMapData) {
            new k8s.core.v1.ConfigMap(`${name}-tz`, { metadata: metadata(`${name}-tz`), binaryData: tz.configMapData }, child);
        }
        const configFiles = s.configFiles && Object.keys(s.configFiles).length > 0 ? s.configFiles : undefined;
        if (configFiles) {
            new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: metadata(`${name}-config`), data: configFiles }, child);
        }

        const secretNames = Object.keys(secretValues);
        const envSecret =
            secretNames.length > 0
                ? new k8s.core.v1.Secret(
                      `${name}-env`,
                      {
                          metadata: metadata(`${name}-env`),
                          type: "Opaque",
                          stringData: Object.fromEntries(Object.entries(secretValues).map(([k, v]) => [k, pulumi.secret(v)])),
                      },
                      child,
                  )
                : undefined;

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: metadata(name), automountServiceAccountToken: false },
            child,
        );

        const template = renderPodTemplate({
            name,
            image,
            port,
            os,
            windowsBuild: os === "windows" ? windowsBuildOf(s.windowsImage) : undefined,
            env: s.env,
            secretEnvNames: secretNames,
            secretEnvSecret: envSecret ? `${name}-env` : undefined,
            resources,
            probes,
            timezone: tz,
            configFilesConfigMap: configFiles ? `${name}-config` : undefined,
            serviceAccountName: name,
            selectorLabels: selector,
            labels,
            annotations: { ...s.podAnnotations, "goship.dev/config-sha256": configChecksum(configFiles, tz.configMapData) },
            terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
            preStopSleepSeconds: s.preStopSleepSeconds,
            priorityClassName: s.priorityClassName,
            readOnlyRootFilesystem: os === "linux" && (s.readOnlyRootFilesystem ?? true),
            command: s.command,
            args: s.args,
            workingDir: s.workingDir,
            goMemLimit: s.goMemLimit,
            imagePullSecrets: s.imagePullSecrets,
        });

        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name, namespace, labels, annotations: nonEmpty(rolloutAwaitAnnotations(autoscaling ? undefined : replicas)) },
                spec: renderDeploymentSpec({
                    selectorLabels: selector,
                    // An HPA owns the count; a replicas field would fight it on every update.
                    replicas: autoscaling ? undefined : replicas,
                    progressDeadlineSeconds: rolloutTimeoutSeconds,
                    template,
                }),
            },
            {
                ...child,
                dependsOn: [serviceAccount, ...(envSecret ? [envSecret] : []), ...waitFor],
                customTimeouts: { create: `${rolloutTimeoutSeconds}s`, update: `${rolloutTimeoutSeconds}s` },
            },
        );

        const service = new k8s.core.v1.Service(`${name}-service`, { metadata: metadata(name), spec: renderServiceSpec(selector) }, { ...child, dependsOn: [deployment] });

        if (autoscaling || replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: metadata(name), spec: renderPdbSpec(selector) }, child);
        }
        if (autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                `${name}-hpa`,
                { metadata: metadata(name), spec: renderHpaSpec({ deploymentName: name, ...autoscaling }) },
                { ...child, dependsOn: [deployment] },
            );
        }
        const exposure = s.exposure;
        if (exposure?.kind === "ingress") {
            new k8s.networking.v1.Ingress(
                `${name}-ingress`,
                { metadata: { ...metadata(name), annotations: nonEmpty(exposure.annotations) }, spec: renderIngressSpec(exposure, name) },
                { ...child, dependsOn: [service] },
            );
        } else if (exposure?.kind === "httpRoute") {
            new k8s.apiextensions.CustomResource(
                `${name}-route`,
                { apiVersion: HTTP_ROUTE_API_VERSION, kind: "HTTPRoute", metadata: { ...metadata(name), annotations: nonEmpty(exposure.annotations) }, spec: renderHttpRouteSpec(exposure, name) },
                { ...child, dependsOn: [service] },
            );
        }
        if (networkPolicy.enabled) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol`,
                { metadata: metadata(name), spec: renderNetworkPolicySpec({ name, port, egressCidrs: networkPolicy.egressCidrs }) },
                child,
            );
        }

        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.namespace = namespace;
        this.image = pulumi.output(image);
        this.rolledOutImage = deployment.spec.template.spec.containers.apply((containers) => containers[0].image);
        this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
        this.registerOutputs({ url: this.url, deploymentName: this.deploymentName, serviceName: this.serviceName, namespace: this.namespace, image: this.image, rolledOutImage: this.rolledOutImage });
    }
}

/** The map, or undefined when it is empty (no `annotations: {}` in the manifest). */
function nonEmpty(map: Record<string, string>): Record<string, string> | undefined {
    return Object.keys(map).length > 0 ? map : undefined;
}

/** Stable digest of everything mounted from ConfigMaps: a change rolls the pods. */
function configChecksum(...parts: (Record<string, string> | undefined)[]): string {
    const canonical = JSON.stringify(parts.map((p) => (p ? Object.keys(p).sort().map((k) => [k, p[k]]) : null)));
    return crypto.createHash("sha256").update(canonical).digest("hex");
}
