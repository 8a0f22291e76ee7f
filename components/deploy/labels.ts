/**
 * Kubernetes recommended labels. Selectors use only name + instance: selectors are
 * immutable, so anything that changes between releases (version) stays out of them.
 */
export type Labels = Record<string, string>;

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The labels a Deployment, Service, PDB and NetworkPolicy select pods by. */
export function selectorLabels(name: string): Labels {
    return {
        "app.kubernetes.io/name": name,
        // Equal to the Deployment's metadata.name (Polaris metadataAndInstanceMismatched).
        "app.kubernetes.io/instance": name,
    };
}

/** Selector labels plus the descriptive ones, for every object goship creates. */
export function standardLabels(name: string, opts: { partOf: string; version?: string }): Labels {
    const labels: Labels = {
        ...selectorLabels(name),
        "app.kubernetes.io/part-of": opts.partOf,
        "app.kubernetes.io/managed-by": "pulumi",
    };
    if (opts.version !== undefined && opts.version.length <= 63 && LABEL_VALUE.test(opts.version)) {
        labels["app.kubernetes.io/version"] = opts.version;
    }
    return labels;
}
