import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    GoService, checkGoSources, checkKubeconfig, goServiceArgs, kubernetesProvider, normalizeContextModes,
    readStackConfig, resolvePromotions, sourceRevision, stackNamespace, stackPriorityClass,
    announceRender, renderModeFrom, renderedSecrets, renderedServices, renderingProvider,
} from "./components";

/**
 * The goship program: stack config → providers → one GoService per service → exports.
 * Everything is validated before the first resource is registered.
 */
export = async () => {
    const projectDir = process.cwd();
    const { config: stackConfig, registryPassword, secrets: stackSecrets } = readStackConfig();
    const render = renderModeFrom();
    const rendered = render ? renderedServices(stackConfig.services) : undefined;
    const config = rendered ? { ...stackConfig, services: rendered.services } : stackConfig;
    if (render) announceRender(render);
    // Rendered YAML would carry Secrets in base64: render placeholders instead.
    const secrets = render ? renderedSecrets(stackSecrets) : stackSecrets;
    checkGoSources(config.services, projectDir);
    for (const s of config.services.filter((s) => s.image.source === "build")) {
        const changed = normalizeContextModes(path.resolve(projectDir, s.path));
        if (changed.length > 0) pulumi.log.info(`goship: normalised file modes of ${changed.length} files in ${s.path} (umask-independent build context)`);
    }
    const promoted = rendered ? rendered.refs : await resolvePromotions(config.services);
    const k8sProvider = render
        ? renderingProvider("kubernetes", config.kubernetes, render)
        : kubernetesProvider("kubernetes", config.kubernetes, checkKubeconfig(config.kubernetes, projectDir));
    const providers: pulumi.ProviderResource[] = [k8sProvider];
    if (config.registry?.type === "ecr" && !render) {
        providers.push(new aws.Provider("aws", { region: config.registry.region as aws.Region }));
    }
    const needsHostPath = config.services.some((s) => s.timezone.mode === "hostPath");
    const namespace = stackNamespace(config.kubernetes, needsHostPath, { provider: k8sProvider });
    const priorityClass = stackPriorityClass(config.kubernetes, { provider: k8sProvider });

    const images: Record<string, pulumi.Output<string>> = {};
    const endpoints: Record<string, pulumi.Output<string>> = {};
    for (const spec of config.services) {
        const service = new GoService(
            spec.name,
            goServiceArgs(spec, {
                stack: pulumi.getStack(),
                project: pulumi.getProject(),
                projectDir,
                namespace,
                registry: config.registry,
                registryPassword,
                secrets,
                build: config.build,
                revision: sourceRevision(path.resolve(projectDir, spec.path)),
                promotedRef: promoted[spec.name],
                priorityClass,
            }),
            { providers },
        );
        images[spec.name] = service.imageRef;
        endpoints[spec.name] = service.url;
    }
    return { images, endpoints };
};
