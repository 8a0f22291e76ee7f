import { ResourceValidationPolicy } from "@pulumi/policy";
import { ECR_REPOSITORY, EcrRepository } from "../lib/ecr";
import { GOSHIP_MUTABLE_TAG_FILTERS, POLICY } from "../lib/names";

/**
 * A release tag must never move to other bytes. IMMUTABLE passes; so does goship's
 * IMMUTABLE_WITH_EXCLUSION with exactly the tags goship moves (stack-*, buildcache-*,
 * *-dirty*, as WILDCARD filters), and nothing else: any other exclusion opens release tags.
 */
export const ecrImmutableTags: ResourceValidationPolicy = {
    name: POLICY.ecrImmutableTags,
    description: "ECR repositories have immutable tags (IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION for exactly goship's moving tags).",
    validateResource: ({ type, props, name }, report) => {
        if (type !== ECR_REPOSITORY) return;
        const repo = props as EcrRepository;
        const mutability = repo.imageTagMutability ?? "MUTABLE";
        if (mutability === "IMMUTABLE") return;
        if (mutability !== "IMMUTABLE_WITH_EXCLUSION") {
            report(`${name}: imageTagMutability is ${mutability}; set IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION with goship's filters ${GOSHIP_MUTABLE_TAG_FILTERS.join(", ")})`);
            return;
        }
        const filters = repo.imageTagMutabilityExclusionFilters ?? [];
        const wildcard = filters.filter((f) => f.filterType === "WILDCARD").map((f) => f.filter);
        const other = filters.filter((f) => f.filterType !== "WILDCARD").map((f) => `${f.filter} (${f.filterType})`);
        const extra = wildcard.filter((f) => !GOSHIP_MUTABLE_TAG_FILTERS.includes(f));
        const missing = GOSHIP_MUTABLE_TAG_FILTERS.filter((f) => !wildcard.includes(f));
        if (other.length + extra.length + missing.length > 0 || wildcard.length !== GOSHIP_MUTABLE_TAG_FILTERS.length) {
            const problems = [
                ...(extra.length + other.length > 0 ? [`exempts ${[...extra, ...other].join(", ")}`] : []),
                ...(missing.length > 0 ? [`lacks ${missing.join(", ")}`] : []),
                ...(wildcard.length !== new Set(wildcard).size ? ["repeats a filter"] : []),
            ];
            report(`${name}: IMMUTABLE_WITH_EXCLUSION ${problems.join(" and ")}; the exclusions must be exactly goship's moving tags ${GOSHIP_MUTABLE_TAG_FILTERS.join(", ")} (WILDCARD)`);
        }
    },
};
