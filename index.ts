import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GoService } from "./components";
import { checkStack, refuseStack } from "./stack/check";
import { stackNamespace, stackPriorityClass } from "./stack/cluster";
import { normalizeContextModes } from "./stack/context-modes";
import { engineStackImages } from "./stack/promotion";
import { programConfigEntries, readSecrets } from "./stack/pulumi-config";
import { sourceRevision } from "./stack/revision";
import { goServiceArgs } from "./stack/service-args";
import { chooseTarget, renderModeFrom } from "./stack/target";

/**
 * The goship program: stack config → checks → target (live or render) → one GoService per
 * service → exports. Nothing is registered before every check has passed.
 */
export = async () => {
    const projectDir = process.cwd();
    const render = renderModeFrom();
    const check = await checkStack({ entries: programConfigEntries(), projectDir, render: render !== undefined, readUpstreamImages: engineStackImages() });
    if (!check.checked) return refuseStack(check.problems);
    const { config } = check.checked;
    const target = chooseTarget(check.checked, render, () => readSecrets(config));

    const needsHostPath = config.services.some((s) => s.timezone.mode === "hostPath");
    const namespace = stackNamespace(config.kubernetes, needsHostPath, { provider: target.kubernetes });
    const priorityClass = stackPriorityClass(config.kubernetes, { provider: target.kubernetes });
    const images: Record<string, pulumi.Output<string>> = {};
    const endpoints: Record<string, pulumi.Output<string>> = {};
    for (const spec of config.services) {
        const image = target.imageOf(spec);
        const moduleDir = path.resolve(projectDir, spec.path);
        if (image.type === "build") {
            const changed = normalizeContextModes(moduleDir);
            if (changed.length > 0) pulumi.log.info(`goship: normalised file modes of ${changed.length} files in ${spec.path} (umask-independent build context)`);
        }
        const service = new GoService(
            spec.name,
            goServiceArgs(spec, image, {
                stack: pulumi.getStack(),
                project: pulumi.getProject(),
                projectDir,
                namespace,
                registry: config.registry,
                secret: target.secret,
                build: config.build,
                revision: sourceRevision(moduleDir),
                priorityClass,
            }),
            { providers: target.providers },
        );
        images[spec.name] = service.imageRef;
        endpoints[spec.name] = service.url;
    }
    return { images, endpoints };
};
