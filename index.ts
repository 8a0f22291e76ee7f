import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GoService } from "./components";
import { checkStack, refuseStack } from "./stack/check";
import { stackNamespace, stackPriorityClass } from "./stack/cluster";
import { normalizeContextModes } from "./stack/context-modes";
import { sentPaths } from "./stack/sources";
import { engineStackOutputs, promotionLine } from "./stack/promotion";
import { imageAccess, registryAccess, supplyChainAccess } from "./stack/registry-access";
import { releaseOutput } from "./stack/release-output";
import { programConfigEntries, readSecrets } from "./stack/pulumi-config";
import { missingPullSecretWarning, stackPullSecret } from "./stack/pull-credentials";
import { buildRevision, sourceRevision } from "./stack/revision";
import { goServiceArgs } from "./stack/service-args";
import { supplyChainArgs } from "./stack/supply-chain";
import { chooseTarget, renderModeFrom } from "./stack/target";

/**
 * The goship program: stack config → checks → target (live or render) → one GoService per
 * service → exports. Nothing is registered before every check has passed.
 */
export = async () => {
    const projectDir = process.cwd();
    const render = renderModeFrom();
    const self = { organization: pulumi.getOrganization(), project: pulumi.getProject(), stack: pulumi.getStack() };
    const check = await checkStack({ entries: programConfigEntries(), projectDir, render: render !== undefined, self, readStackOutputs: engineStackOutputs(), registryAccess, imageAccess, supplyChainAccess: supplyChainAccess(projectDir) });
    if (!check.checked) return refuseStack(check.problems);
    const { config, promoted, current } = check.checked;
    // The digest moves, in the preview's own output, before any resource is shown.
    for (const [name, promotion] of Object.entries(promoted)) pulumi.log.info(`goship promotion: ${promotionLine(name, promotion, current[name])}`);
    const target = chooseTarget(check.checked, render, () => readSecrets(config));

    const needsHostPath = config.services.some((s) => s.timezone.mode === "hostPath");
    const namespace = stackNamespace(config.kubernetes, needsHostPath, { provider: target.kubernetes });
    const priorityClass = stackPriorityClass(config.kubernetes, { provider: target.kubernetes });
    const pullSecret = stackPullSecret(config, { namespace, partOf: pulumi.getProject(), secret: target.secret }, { provider: target.kubernetes });
    const pullWarning = missingPullSecretWarning(config);
    if (pullWarning) pulumi.log.warn(pullWarning);
    const images: Record<string, pulumi.Output<string>> = {};
    const releases: Record<string, pulumi.Output<unknown>> = {};
    const endpoints: Record<string, pulumi.Output<string>> = {};
    for (const spec of config.services) {
        const image = target.imageOf(spec);
        const moduleDir = path.resolve(projectDir, spec.path);
        // What the build context sends: the module, and in a monorepo its local dependencies.
        const sent = sentPaths(spec, projectDir);
        if (image.type === "build") {
            const changed = sent.dirs.flatMap((dir) => normalizeContextModes(path.resolve(projectDir, dir)));
            if (changed.length > 0) pulumi.log.info(`goship: normalised file modes of ${changed.length} files in ${sent.dirs.join(", ")} (umask-independent build context)`);
        }
        const revision = sourceRevision(moduleDir, [...sent.dirs, ...sent.files].map((p) => path.resolve(projectDir, p)));
        const service = new GoService(
            spec.name,
            goServiceArgs(spec, image, {
                stack: pulumi.getStack(),
                project: pulumi.getProject(),
                projectDir,
                namespace,
                registry: config.registry,
                secret: target.secret,
                pullCredentials: target.pullCredentials,
                build: config.build,
                revision,
                priorityClass,
                imagePullSecrets: config.kubernetes.imagePullSecrets,
                pullSecret,
                // Rendering builds, signs and scans nothing: images are placeholders.
                supplyChain: render ? undefined : supplyChainArgs(config.supplyChain, projectDir, target.secret),
            }),
            { providers: target.providers },
        );
        images[spec.name] = service.imageRef;
        endpoints[spec.name] = service.url;
        releases[spec.name] = releaseOutput(spec, image, buildRevision(config.build.revision, revision), service, current[spec.name]);
    }
    // `releases` is what the next stack promotes (stack/release.ts); `images` stays for readers of the digest alone.
    return { images, endpoints, releases };
};
