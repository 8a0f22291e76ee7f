import * as fs from "fs";
import * as path from "path";

/**
 * Read-only access to the vendored IANA time zone database (see zoneinfo/README.md).
 *
 * The archive is a plain zip whose entries are *stored* (not deflated), so reading the
 * central directory is enough: no zip library, and the bytes returned are exactly the TZif
 * files Go itself embeds with `time/tzdata`.
 */
export const ZONEINFO_ARCHIVE = path.join(__dirname, "zoneinfo", "zoneinfo.zip");

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const METHOD_STORED = 0;

let cache: Map<string, Buffer> | undefined;

function readArchive(file: string): Map<string, Buffer> {
    const zip = fs.readFileSync(file);
    // The end record is 22 bytes when the archive has no comment, as Go's has not.
    const end = zip.length - 22;
    if (end < 0 || zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) {
        throw new Error(`${file}: not a zoneinfo archive (no end-of-central-directory record)`);
    }
    const count = zip.readUInt16LE(end + 10);
    let entry = zip.readUInt32LE(end + 16);
    const zones = new Map<string, Buffer>();
    for (let i = 0; i < count; i++) {
        if (zip.readUInt32LE(entry) !== CENTRAL_DIRECTORY_ENTRY) {
            throw new Error(`${file}: corrupt central directory at entry ${i}`);
        }
        const method = zip.readUInt16LE(entry + 10);
        const size = zip.readUInt32LE(entry + 20);
        const nameLength = zip.readUInt16LE(entry + 28);
        const extraLength = zip.readUInt16LE(entry + 30);
        const commentLength = zip.readUInt16LE(entry + 32);
        const localHeader = zip.readUInt32LE(entry + 42);
        const name = zip.toString("utf8", entry + 46, entry + 46 + nameLength);
        if (method !== METHOD_STORED) {
            throw new Error(`${file}: entry ${name} is compressed; expected stored entries`);
        }
        if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) {
            throw new Error(`${file}: corrupt local header for ${name}`);
        }
        const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        zones.set(name, zip.subarray(dataStart, dataStart + size));
        entry += 46 + nameLength + extraLength + commentLength;
    }
    return zones;
}

function zones(): Map<string, Buffer> {
    cache ??= readArchive(ZONEINFO_ARCHIVE);
    return cache;
}

/** All zone names in the vendored database, sorted. */
export function zoneNames(): string[] {
    return [...zones().keys()].sort();
}

/** Whether `zone` is an IANA zone name known to the vendored database ("UTC" included). */
export function isKnownZone(zone: string): boolean {
    return zones().has(zone);
}

/** The TZif file for `zone`: what belongs at /etc/localtime. Throws for an unknown zone. */
export function zoneFile(zone: string): Buffer {
    const data = zones().get(zone);
    if (data === undefined) {
        throw new Error(`unknown time zone "${zone}"`);
    }
    return data;
}
