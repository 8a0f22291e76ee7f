import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * How goship turns a failed zod parse into messages: one line per problem, each naming the
 * argument (or config key) path, what is wrong and the fix. The components use it for
 * their arguments, the stack config (stack/config.ts) for `goship:*` keys, so a setting
 * gets the same message whichever way it arrives.
 */

/** `services[0].port`-style path under ROOT (`goship:`, or an argument such as `hello`). */
function formatPath(path: PropertyKey[], root: string): string {
    let out = root;
    for (const part of path) {
        out += typeof part === "number" ? `[${part}]` : out.endsWith(":") ? String(part) : `.${String(part)}`;
    }
    return out;
}

/** The message for one issue; zod's own wording is kept only where it already says what to do. */
function describeIssue(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; check the spelling against README "Configuration"`;
    }
    if (issue.code === "invalid_key" && issue.issues.length > 0) {
        // A record key (env var name, file name) failed its own check: show that message.
        return issue.issues[0].message;
    }
    if (issue.code === "invalid_type") {
        // zod's default wording ends "received <type>"; a field's own message does not.
        const received = /received (\w+)$/.exec(issue.message)?.[1];
        if (received === "undefined") return `is required (expected ${issue.expected})`;
        if (received !== undefined) return `expected ${issue.expected}, got ${received}`;
    }
    return issue.message;
}

/** Every problem of a failed parse, one line each, paths under ROOT. */
export function problemsOf(error: { issues: readonly z.core.$ZodIssue[] }, root: string): string[] {
    return error.issues.map((issue) => `${formatPath(issue.path, root)}: ${describeIssue(issue)}`);
}

/**
 * Parses one value with SCHEMA (defaults applied); throws an Error with one line per
 * problem, paths under KEY (e.g. `hello.probes`).
 */
export function parseArgument<S extends z.ZodType>(schema: S, value: unknown, key: string): z.output<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new Error(problemsOf(result.error, key).join("\n"));
}

/**
 * Parses a component's arguments with its schema (defaults applied). On failure throws a
 * ResourceError tied to the component, one line per problem, paths under KEY (the
 * component's name, or a field of its arguments such as `hello.source.registry`).
 */
export function parseArguments<S extends z.ZodType>(schema: S, value: unknown, component: pulumi.Resource, key: string): z.output<S> {
    try {
        return parseArgument(schema, value, key);
    } catch (err) {
        throw new pulumi.ResourceError((err as Error).message, component, true);
    }
}
