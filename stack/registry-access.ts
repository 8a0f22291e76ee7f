import { checkRegistryAccess, verifyImage } from "../components/publish/registry-api";
import { ImageAccess, RegistryAccess, SupplyChainAccess } from "./check";
import { deployedSupplyChainProblems } from "./supply-chain";
import { todayUtc } from "../components/supply-chain/supply-chain";
import { CONFIG_NAMESPACE, REGISTRY_PASSWORD_KEY } from "./config";

/** The real check: GET /v2/ of the registry, with the stack's login when it has one. */
export const registryAccess: RegistryAccess = (host, login) =>
    checkRegistryAccess(host, {
        login,
        loginHelp: `set ${CONFIG_NAMESPACE}:registry.username and the secret ${CONFIG_NAMESPACE}:${REGISTRY_PASSWORD_KEY} (pulumi config set --secret ${REGISTRY_PASSWORD_KEY} <password>)`,
        timeoutMs: 10000,
    });

/** The real check of a promoted or pinned image: its index and every platform's manifest, hashed. */
export const imageAccess: ImageAccess = async (ref, platforms, login) => {
    await verifyImage(ref, { platforms, login, timeoutMs: 10000 });
};

/** The real supply-chain check of a deployed image: its signature and its vulnerabilities, read from its registry. */
export const supplyChainAccess = (projectDir: string): SupplyChainAccess => (ref, login, binaryName, config) =>
    deployedSupplyChainProblems(ref, login, binaryName, config, projectDir, todayUtc());
