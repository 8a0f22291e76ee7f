/**
 * What a promotion changes, and what it does not (pure: promote.ts refuses other changes
 * unless asked; the preview report tells a pending promotion from a change a pull request makes).
 */
import { OpType } from "@pulumi/pulumi/automation";

/** A change the downstream preview shows, as the engine reported it. */
export interface PlannedChange {
    op: OpType;
    type: string;
    urn: string;
    /** Property paths that differ (detailed diff keys, or top-level diffs). */
    paths: string[];
}

/** Resource types a promotion changes: the copy and tags, the Deployment's image. */
const PROMOTION_TYPES = new Set(["docker-build:index:Index", "pulumi:providers:docker-build", "pulumi:pulumi:StackReference"]);

/**
 * The changes in CHANGES that are not the promotion itself: anything but a copy/tag Index,
 * or a Deployment update touching more than its containers' image and the version label.
 */
export function otherChanges(changes: PlannedChange[]): PlannedChange[] {
    return changes.filter((c) => {
        if (c.op === "same" || c.op === "read") return false;
        if (PROMOTION_TYPES.has(c.type)) return false;
        if (c.type === "kubernetes:apps/v1:Deployment" && c.op === "update") {
            return !c.paths.every((p) => /^spec\.template\.spec\.containers\[\d+\]\.image$/.test(p) || /(^|\.)labels\.app\.kubernetes\.io\/version$/.test(p) || /labels\["app\.kubernetes\.io\/version"\]$/.test(p));
        }
        return true;
    });
}

