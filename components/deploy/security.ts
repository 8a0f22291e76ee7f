import * as k8s from "@pulumi/kubernetes";
import { NONROOT_UID, WINDOWS_USER } from "../build/dockerfile";
import { NodeOs } from "../build/platforms";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** Who the process runs as: a numeric non-root user on Linux, ContainerUser on Windows. */
function identity(os: NodeOs): SecurityContext & PodSecurityContext {
    if (os === "windows") {
        return { runAsNonRoot: true, windowsOptions: { runAsUserName: WINDOWS_USER } };
    }
    return { runAsNonRoot: true, runAsUser: NONROOT_UID, runAsGroup: NONROOT_UID };
}

const RUNTIME_DEFAULT_SECCOMP = { type: "RuntimeDefault" };

/**
 * Pod-level security context meeting the Pod Security "restricted" profile. Windows pods
 * get only what Windows accepts: the API server rejects Linux fields (runAsUser,
 * seccompProfile, fsGroup, ...) on a pod whose spec.os.name is windows.
 */
export function podSecurityContext(os: NodeOs): PodSecurityContext {
    if (os === "windows") return identity(os);
    return { ...identity(os), fsGroup: NONROOT_UID, seccompProfile: RUNTIME_DEFAULT_SECCOMP };
}

/**
 * Container-level security context: no privilege, no capabilities, read-only root (unless
 * the service opts out). Windows containers get only their identity.
 */
export function containerSecurityContext(os: NodeOs, readOnlyRootFilesystem = true): SecurityContext {
    if (os === "windows") return identity(os);
    return {
        ...identity(os),
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem,
        capabilities: { drop: ["ALL"] },
        seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    };
}
