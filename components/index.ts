/**
 * goship's library: three components and the renderer behind GoImage. Each component's
 * arguments are documented field by field, with their defaults, where they are checked
 * (components/build/args.ts, components/deploy/args.ts, components/publish/registry.ts).
 * The goship program's own plumbing (stack config, checks, render mode) is in stack/.
 */
export { GoService, GoServiceArgs, BuildSource, PromoteSource } from "./go-service";
export { GoImage, GoImageArgs } from "./go-image";
export { GoDeployment, GoDeploymentArgs } from "./go-deployment";
export { renderDockerfile, DockerfileOptions } from "./build/dockerfile";
export { Platform, NodeOs, SUPPORTED_PLATFORMS } from "./build/platforms";
export { RegistryCredentials } from "./publish/registry";
export type { SupplyChainArgs } from "./supply-chain/supply-chain";
export type { SupplyChainRecord } from "./supply-chain/record";
