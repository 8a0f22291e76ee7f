/**
 * Kubernetes resource quantities ("250m", "128Mi", "1.5", "2G"), parsed only far enough
 * to compare a request with its limit before anything is sent to a cluster.
 */
const SUFFIX_FACTORS: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** The quantity syntax the API server accepts for cpu, memory and ephemeral-storage. */
export const QUANTITY_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The numeric value of a quantity in base units (cores or bytes). Throws when malformed. */
export function parseQuantity(quantity: string): number {
    const match = QUANTITY_PATTERN.exec(quantity);
    if (!match) {
        throw new Error(`"${quantity}" is not a Kubernetes quantity (examples: 250m, 1, 128Mi, 1Gi)`);
    }
    return Number(match[1]) * SUFFIX_FACTORS[match[2] ?? ""];
}
