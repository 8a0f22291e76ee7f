import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { inAllowedRegistry, parseImage } from "../lib/images";
import { POLICY, RegistryConfig } from "../lib/names";

/** Pods pull only from the registries this stack is meant to use (goship:policy.allowedRegistries). */
export const imageRegistryAllowed = podPolicy({
    name: POLICY.imageRegistry,
    description: "Every container image comes from a registry the stack allows (policy config allowedRegistries).",
    configSchema: {
        properties: { allowedRegistries: { type: "array", items: { type: "string" }, default: [] } },
    },
    check: ({ spec, report, args }) => {
        const allowed = args.getConfig<RegistryConfig>().allowedRegistries ?? [];
        for (const c of containersOf(spec)) {
            const image = c.image ?? "";
            if (allowed.length === 0) {
                report(`${label(c)} image "${image}": no registry is allowed in this stack; set goship:policy.allowedRegistries (e.g. [127.0.0.1:5000/goship])`);
            } else if (!inAllowedRegistry(parseImage(image).name, allowed)) {
                report(`${label(c)} image "${image}" is not from an allowed registry (${allowed.join(", ")}); push it there or add its registry to goship:policy.allowedRegistries`);
            }
        }
    },
});
