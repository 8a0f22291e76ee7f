/**
 * What makes two builds of one source revision byte-identical (same per-platform manifest
 * digests, same index digest), measured by test/e2e/reproducible.e2e.ts:
 *
 * - the Go binary: `-trimpath`, `-ldflags` without dates (components/build/build-stage.ts),
 *   and no `.git` in the context to stamp from;
 * - the image config and history: `SOURCE_DATE_EPOCH` (the commit time, stack/revision.ts)
 *   as a build arg, which BuildKit's Dockerfile frontend uses for `created`;
 * - the layers: the registry exporter's `rewrite-timestamp=true` clamps every file time
 *   newer than `SOURCE_DATE_EPOCH` (the binary, the directories COPY creates, passwd) to it;
 * - the context: file modes brought to what git records (components/build/context-policy.ts),
 *   so a clone made under another umask sends the same bytes;
 * - no attestation manifest in the index: docker-build 0.0.22 turns BuildKit's provenance off
 *   (its client.go sets `Attests: {provenance: nil}`), and BuildKit v0.31's provenance would
 *   carry the build's start time and a random invocation ID anyway. goship attaches its own,
 *   deterministic SBOM and provenance beside the index instead (components/supply-chain/).
 */

/** The exporter of every pushed platform image (the tags name the repository). */
export const REGISTRY_EXPORT = "type=registry,rewrite-timestamp=true";
