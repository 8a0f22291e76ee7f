import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { autoscalingSchema, networkPolicySchema, parseArgument, probesSchema, resourcesSchema, timezoneSchema, WINDOWS_READ_ONLY_ROOT } from "./config";
import { DEFAULT_WINDOWS_IMAGE } from "./dockerfile";
import { selectorLabels, standardLabels } from "./labels";
import { NodeOs } from "./platforms";
import { renderDeploymentSpec, renderPodTemplate } from "./pod";
import { renderHpaSpec, renderNetworkPolicySpec, renderPdbSpec, renderServiceSpec } from "./policies";
import { planTimezone } from "./timezone";
import { windowsBuildOf } from "./windows";

export interface GoDeploymentArgs {
    /** Image pinned by digest (`repo@sha256:…`), so a new build rolls out and an unchanged one does not. Required. */
    image: pulumi.Input<string>;
    /** Namespace for every object. Required. */
    namespace: pulumi.Input<string>;
    /** Container port (non-privileged, ≥ 1024), named `http`. Default 8080. */
    port?: number;
    /** Pod count when there is no autoscaling. Default 2. */
    replicas?: number;
    /** Node operating system; Windows pods get the Windows selectors and toleration. Default linux. */
    os?: NodeOs;
    /** Windows base image, to select nodes of the matching Windows build. Default nanoserver:ltsc2022. */
    windowsImage?: string;
    /** Requests and limits for cpu, memory and ephemeralStorage. Default requests 50m/32Mi/16Mi, limits 500m/128Mi/64Mi. */
    resources?: z.input<typeof resourcesSchema>;
    /** Probes: http (default; /healthz liveness and startup, /readyz readiness), grpc or exec. */
    probes?: z.input<typeof probesSchema>;
    /** Time zone and how pods get it. Default UTC, mode configMap on Linux, embedded on Windows. */
    timezone?: z.input<typeof timezoneSchema>;
    /** Plain environment variables. Default none. */
    env?: Record<string, string>;
    /** Secret env vars (name → secret value), delivered through a Secret and secretKeyRef. Default none. */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** Extra pod template annotations; a change rolls the pods. Default none. */
    podAnnotations?: Record<string, string>;
    /** Files mounted read-only at /etc/<name>/; a change rolls the pods. Default none. */
    configFiles?: Record<string, string>;
    /** HorizontalPodAutoscaler on CPU; when set the Deployment leaves replicas to it. Default none. */
    autoscaling?: z.input<typeof autoscalingSchema>;
    /** NetworkPolicy allowing ingress to the port and egress to DNS. Default enabled. */
    networkPolicy?: z.input<typeof networkPolicySchema>;
    /** Seconds between SIGTERM and SIGKILL. Default 30. */
    terminationGracePeriodSeconds?: number;
    /** preStop sleep before SIGTERM, so endpoints drop the pod first (no shell needed). Default 5. */
    preStopSleepSeconds?: number;
    /** Linux: read-only root filesystem with a small writable /tmp. Default true; Windows pods cannot have one (true throws). */
    readOnlyRootFilesystem?: boolean;
    /** How long a rollout may take before `pulumi up` fails (also the progress deadline). Default 600. */
    rolloutTimeoutSeconds?: number;
    /** PriorityClass for the pods. Default none. */
    priorityClassName?: string;
    /** Resources the Deployment must wait for, e.g. the PriorityClass its pods name. */
    waitFor?: pulumi.Resource[];
    /** Value of the app.kubernetes.io/version label. Default none. */
    version?: string;
    /** Value of the app.kubernetes.io/part-of label. Default `goship`. */
    partOf?: string;
}

/**
 * Runs a Go service image on Kubernetes: Deployment, Service, ServiceAccount, and as
 * configured PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy and ConfigMaps.
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

    constructor(name: string, args: GoDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:index:GoDeployment", name, {}, opts);
        const os = args.os ?? "linux";
        const port = args.port ?? 8080;
        if (!Number.isInteger(port) || port < 1024 || port > 65535) {
            throw new Error(`${name}.port: ${port} is not a non-privileged port; use 1024-65535 (e.g. 8080)`);
        }
        const resources = parseArgument(resourcesSchema, args.resources, `${name}.resources`);
        const probes = parseArgument(probesSchema, args.probes, `${name}.probes`);
        const timezone = parseArgument(timezoneSchema, args.timezone, `${name}.timezone`);
        const networkPolicy = parseArgument(networkPolicySchema, args.networkPolicy, `${name}.networkPolicy`);
        const autoscaling = args.autoscaling ? parseArgument(autoscalingSchema, args.autoscaling, `${name}.autoscaling`) : undefined;
        const replicas = args.replicas ?? 2;
        if (!Number.isInteger(replicas) || replicas < 1) {
            throw new Error(`${name}.replicas: ${replicas} must be a whole number ≥ 1`);
        }
        const rolloutTimeoutSeconds = args.rolloutTimeoutSeconds ?? 600;
        if (os === "windows" && args.readOnlyRootFilesystem === true) {
            throw new Error(`${name}.readOnlyRootFilesystem: ${WINDOWS_READ_ONLY_ROOT}`);
        }

        const namespace = pulumi.output(args.namespace);
        const selector = selectorLabels(name);
        const labels = standardLabels(name, { partOf: args.partOf ?? "goship", version: args.version });
        const metadata = (objectName: string) => ({ name: objectName, namespace, labels });
        const child = { parent: this };

        const tz = planTimezone({ zone: timezone.zone, mode: timezone.mode, os, configMapName: `${name}-tz` });
        if (tz.mode === "hostPath") {
            pulumi.log.warn(
                `${name}: timezone mode hostPath mounts the node's /etc/localtime; Pod Security baseline and restricted reject hostPath volumes, so the namespace must allow privileged pods`,
                this,
            );
        }
        if (tz.configMapData) {
            new k8s.core.v1.ConfigMap(`${name}-tz`, { metadata: metadata(`${name}-tz`), binaryData: tz.configMapData }, child);
        }
        const configFiles = args.configFiles && Object.keys(args.configFiles).length > 0 ? args.configFiles : undefined;
        if (configFiles) {
            new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: metadata(`${name}-config`), data: configFiles }, child);
        }

        const secretNames = Object.keys(args.secretEnv ?? {});
        const envSecret =
            secretNames.length > 0
                ? new k8s.core.v1.Secret(
                      `${name}-env`,
                      {
                          metadata: metadata(`${name}-env`),
                          type: "Opaque",
                          stringData: Object.fromEntries(Object.entries(args.secretEnv!).map(([k, v]) => [k, pulumi.secret(v)])),
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
            image: args.image,
            port,
            os,
            windowsBuild: os === "windows" ? windowsBuildOf(args.windowsImage ?? DEFAULT_WINDOWS_IMAGE) : undefined,
            env: args.env ?? {},
            secretEnvNames: secretNames,
            secretEnvSecret: envSecret ? `${name}-env` : undefined,
            resources,
            probes,
            timezone: tz,
            configFilesConfigMap: configFiles ? `${name}-config` : undefined,
            serviceAccountName: name,
            selectorLabels: selector,
            labels,
            annotations: { ...args.podAnnotations, "goship.dev/config-sha256": configChecksum(configFiles, tz.configMapData) },
            terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? 30,
            preStopSleepSeconds: args.preStopSleepSeconds ?? 5,
            priorityClassName: args.priorityClassName,
            readOnlyRootFilesystem: os === "linux" && (args.readOnlyRootFilesystem ?? true),
        });

        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: metadata(name),
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
                dependsOn: [serviceAccount, ...(envSecret ? [envSecret] : []), ...(args.waitFor ?? [])],
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
        this.image = pulumi.output(args.image);
        this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
        this.registerOutputs({ url: this.url, deploymentName: this.deploymentName, serviceName: this.serviceName, namespace: this.namespace, image: this.image });
    }
}

/** Stable digest of everything mounted from ConfigMaps: a change rolls the pods. */
function configChecksum(...parts: (Record<string, string> | undefined)[]): string {
    const canonical = JSON.stringify(parts.map((p) => (p ? Object.keys(p).sort().map((k) => [k, p[k]]) : null)));
    return crypto.createHash("sha256").update(canonical).digest("hex");
}
