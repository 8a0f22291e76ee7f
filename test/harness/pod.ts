import { parseArgument } from "../../components/arguments";
import { goDeploymentSettingsSchema } from "../../components/deploy/args";
import { selectorLabels, standardLabels } from "../../components/deploy/labels";
import { PodOptions, renderPodTemplate } from "../../components/deploy/pod";
import { planTimezone } from "../../components/deploy/timezone";

/** GoDeployment's settings parsed from VALUE (defaults applied), problems under `hello`. */
export function deploymentSettings(value: Record<string, unknown>) {
    return parseArgument(goDeploymentSettingsSchema, value, "hello");
}

/** The pod spec and container renderPodTemplate makes for the default settings with OVER. */
export function renderTestPod(over: Partial<PodOptions>) {
    const s = deploymentSettings({});
    const options: PodOptions = {
        name: "hello",
        image: "r/hello@sha256:" + "a".repeat(64),
        port: s.port,
        os: "linux",
        env: {},
        resources: s.resources,
        probes: s.probes,
        timezone: planTimezone({ zone: "UTC", mode: "embedded", os: "linux", configMapName: "x" }),
        serviceAccountName: "hello",
        selectorLabels: selectorLabels("hello"),
        labels: standardLabels("hello", { partOf: "goship" }),
        annotations: {},
        terminationGracePeriodSeconds: 30,
        preStopSleepSeconds: 5,
        readOnlyRootFilesystem: true,
        goMemLimit: s.goMemLimit,
        ...over,
    };
    const spec = renderPodTemplate(options).spec as unknown as { imagePullSecrets?: unknown; containers: Record<string, unknown>[] };
    return { spec, container: spec.containers[0] };
}
