import * as k8s from "@pulumi/kubernetes";
import { NodeOs } from "../build/platforms";
import { timezoneModeProblem } from "./args";
import { zoneFile } from "./zoneinfo";

type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/**
 * How a pod learns its time zone:
 * - `configMap`: the zone's TZif file shipped in a ConfigMap, mounted read-only at
 *   /etc/localtime, plus TZ. Works for any binary, and Pod Security "restricted" and the
 *   linters accept it (a configMap volume, not a hostPath).
 * - `embedded`: TZ only; the zone data is inside the image (goship builds with
 *   `-tags timetzdata`). The only mode for Windows, where Go ignores /etc/localtime.
 * - `hostPath`: the node's /etc/localtime and /etc/timezone mounted read-only, so pods
 *   follow the node's zone. Pod Security baseline and restricted reject hostPath volumes.
 */
export type TimezoneMode = "configMap" | "embedded" | "hostPath";

/** What the pod template and the cluster need for one timezone choice. */
export interface TimezonePlan {
    mode: TimezoneMode;
    env: EnvVar[];
    volumes: Volume[];
    volumeMounts: VolumeMount[];
    /** For configMap mode: the ConfigMap's binaryData (base64), keyed by file name. */
    configMapData?: Record<string, string>;
}

const LOCALTIME_KEY = "localtime";

/** The mode used when the config names none: configMap on Linux, embedded on Windows. */
export function defaultTimezoneMode(os: NodeOs): TimezoneMode {
    return os === "windows" ? "embedded" : "configMap";
}

export function planTimezone(opts: { zone: string; mode?: TimezoneMode; os: NodeOs; configMapName: string }): TimezonePlan {
    const mode = opts.mode ?? defaultTimezoneMode(opts.os);
    const problem = timezoneModeProblem(mode, opts.os);
    if (problem) throw new Error(`timezone.mode: ${problem}`);
    const tz: EnvVar = { name: "TZ", value: opts.zone };
    switch (mode) {
        case "embedded":
            return { mode, env: [tz], volumes: [], volumeMounts: [] };
        case "configMap":
            return {
                mode,
                env: [tz],
                volumes: [{ name: "localtime", configMap: { name: opts.configMapName, items: [{ key: LOCALTIME_KEY, path: LOCALTIME_KEY }] } }],
                // subPath mounts do not follow ConfigMap updates; the pod template's
                // checksum annotation rolls the pods instead.
                volumeMounts: [{ name: "localtime", mountPath: "/etc/localtime", subPath: LOCALTIME_KEY, readOnly: true }],
                configMapData: { [LOCALTIME_KEY]: zoneFile(opts.zone).toString("base64") },
            };
        case "hostPath":
            // No TZ: the point of this mode is to follow the node's zone.
            return {
                mode,
                env: [],
                volumes: [
                    { name: "host-localtime", hostPath: { path: "/etc/localtime", type: "File" } },
                    { name: "host-timezone", hostPath: { path: "/etc/timezone", type: "File" } },
                ],
                volumeMounts: [
                    { name: "host-localtime", mountPath: "/etc/localtime", readOnly: true },
                    { name: "host-timezone", mountPath: "/etc/timezone", readOnly: true },
                ],
            };
    }
}
