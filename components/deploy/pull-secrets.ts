/**
 * Image pull Secrets. The pods name them in their own spec (`imagePullSecrets`), not
 * through their ServiceAccount: what the Deployment shows (in a preview, to the linters) is
 * what the pods get, and a change rolls the pods like any other change of the pod
 * template; a ServiceAccount's list is copied into a pod only when the pod is admitted.
 */

/** The Secret type the kubelet reads registry logins from. */
export const DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";
/** The key of its content. */
export const DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

/** A registry login for pulls. */
export interface PullLogin {
    /** Registry host[:port] the pods pull from. */
    server: string;
    username: string;
    password: string;
}

/**
 * The `.dockerconfigjson` of one login, what `kubectl create secret docker-registry`
 * writes: `{"auths": {server: {username, password, auth: base64(user:password)}}}`.
 * Deterministic, so an unchanged login never shows as a change.
 */
export function renderDockerConfigJson(login: PullLogin): string {
    const auth = Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64");
    return JSON.stringify({ auths: { [login.server]: { username: login.username, password: login.password, auth } } });
}

/** The pod spec's `imagePullSecrets`: each name once, in order; none when the list is empty. */
export function renderImagePullSecrets(names: readonly string[]): { name: string }[] | undefined {
    const unique = [...new Set(names)];
    return unique.length > 0 ? unique.map((name) => ({ name })) : undefined;
}
