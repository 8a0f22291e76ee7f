/**
 * The SBOM of one Go binary: CycloneDX JSON from cyclonedx-gomod's `bin` mode, which reads
 * the module list and the Go version from the build info the toolchain embeds. No serial
 * number, no timestamp, the binary under a fixed name: the same binary gives the same bytes,
 * so the SBOM's digest is a fact of the image and never churns a record.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTool } from "./tools";

export interface Sbom {
    /** The CycloneDX document, as bytes (what is attested). */
    json: Buffer;
    /** `sha256:<hex>` of those bytes. */
    digest: string;
    /** Components listed (the main module, its dependencies, the standard library). */
    components: number;
}

/** The SBOM of `binary`, named `name` (the service's binary name) in the document. */
export async function sbomOfBinary(binary: Buffer, name: string): Promise<Sbom> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-sbom-"));
    try {
        fs.writeFileSync(path.join(dir, name), binary, { mode: 0o600 });
        // Relative paths only, so the temporary directory never reaches the document.
        const { stdout } = await runTool("cyclonedx-gomod", ["bin", "-json", "-noserial", "-notimestamp", "-std", name], { cwd: dir, timeoutMs: 120_000 });
        return sbomOf(Buffer.from(stdout, "utf8"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Digest and component count of a CycloneDX JSON document; throws when it is not one. */
export function sbomOf(json: Buffer): Sbom {
    const doc = JSON.parse(json.toString("utf8")) as { bomFormat?: unknown; components?: unknown[]; metadata?: { component?: unknown } };
    if (doc.bomFormat !== "CycloneDX") throw new Error("cyclonedx-gomod wrote no CycloneDX document");
    const components = (Array.isArray(doc.components) ? doc.components.length : 0) + (doc.metadata?.component ? 1 : 0);
    return { json, digest: `sha256:${createHash("sha256").update(json).digest("hex")}`, components };
}
