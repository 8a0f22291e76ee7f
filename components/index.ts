/**
 * goship's public API: components, the pure renderers behind them, and the config schema.
 */
export { GoImage, GoImageArgs } from "./go-image";
export { GoDeployment, GoDeploymentArgs } from "./go-deployment";
export { GoService, GoServiceArgs, BuildSource, PromoteSource } from "./go-service";
export { renderDockerfile, DockerfileOptions, RUNTIME_PRESETS, NONROOT_UID } from "./dockerfile";
export { renderDockerignore, missingDockerignorePatterns, REQUIRED_DOCKERIGNORE_PATTERNS } from "./dockerignore";
export { renderPodTemplate, renderDeploymentSpec } from "./pod";
export { renderProbes } from "./probes";
export { planTimezone, TimezoneMode, TimezonePlan } from "./timezone";
export { renderServiceSpec, renderPdbSpec, renderHpaSpec, renderNetworkPolicySpec, namespaceSecurityLabels } from "./policies";
export { serviceRepository, renderEcrLifecyclePolicy, ServiceRepository, RegistryCredentials } from "./registry";
export { Platform, NodeOs, SUPPORTED_PLATFORMS, DEFAULT_PLATFORMS } from "./platforms";
export {
    parseStackConfig,
    readStackConfig,
    ConfigError,
    StackConfig,
    ServiceSpec,
    RegistryConfig,
    KubernetesConfig,
    BuildConfig,
} from "./config";
export { checkGoSource, checkGoSources } from "./preflight";
export { normalizeContextModes } from "./context-modes";
export { resolvePromotions } from "./promotion";
export { checkKubeconfig, kubernetesProvider, stackNamespace, stackPriorityClass } from "./kubernetes";
export { RenderMode, RENDER_DIR_ENV, RENDER_IMAGE_REGISTRY, placeholderImageRef, renderModeFrom, renderedSecrets, renderedServices, renderingProvider, announceRender } from "./render";
export { goServiceArgs, StackContext } from "./service-args";
export { sourceRevision, SourceRevision } from "./revision";
