import * as fs from "fs";
import * as path from "path";

/**
 * The machine's trust store as one PEM file, where the usual systems keep it. SSL_CERT_FILE
 * (what Go programs on this machine already trust) comes first.
 */
const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"];

/** The PEM file `caCertificates.file` names, resolved; throws with the fix when there is none. */
export function caCertificatesPath(file: string, projectDir: string, env: NodeJS.ProcessEnv = process.env): string {
    if (file !== "system") {
        const resolved = path.resolve(projectDir, file);
        if (!fs.existsSync(resolved)) throw new Error(`${resolved} does not exist; give the path of a PEM file (relative to the project), or "system"`);
        return resolved;
    }
    const candidates = [env.SSL_CERT_FILE, ...SYSTEM_BUNDLES].filter((p): p is string => p !== undefined && p !== "");
    const found = candidates.find((p) => fs.existsSync(p));
    if (!found) {
        throw new Error(
            `"system": no trust store file on this machine (looked at ${candidates.join(", ")}); on macOS or Windows export the CA certificates to a PEM file (e.g. security find-certificate -a -p > ca.pem) and give its path`,
        );
    }
    return found;
}

/** The certificates of a PEM file, checked to be PEM. */
export function readCaCertificates(file: string): string {
    const pem = fs.readFileSync(file, "utf8");
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) throw new Error(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return pem.endsWith("\n") ? pem : `${pem}\n`;
}
