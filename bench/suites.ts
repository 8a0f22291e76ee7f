/**
 * The registration point: every suite `npm run bench` knows, in the order it runs them.
 * The platform suites (goship's own build through `pulumi up`, the rendered Dockerfile
 * through buildctl, the no-op preview for 1/10/50 services, the rollout) live in
 * bench/goship-*.ts and are listed in PLATFORM_SUITES; each is a `Suite` (suite.ts) whose
 * prerequisites() names what of the local platform it needs and the command that starts it.
 * A measurement's `baseline` may name another suite's figure ("floor:cold/generated").
 */
import { floorSuite } from "./floor";
import { goshipBuildSuite } from "./goship-build";
import { goshipStackSuite } from "./goship-stack";
import { koSuite } from "./ko";
import { mocksEvalSuite } from "./mocks-eval";
import { qemuSuite } from "./qemu";
import type { Suite } from "./suite";

/** Suites that need only Go, the module proxy, a registry (ko) and qemu-user-static. */
export const PLATFORM_FREE_SUITES: readonly Suite[] = [floorSuite, koSuite, qemuSuite, mocksEvalSuite];

/** Suites that need the local platform (tools/local/local.sh): add bench/goship-*.ts here. */
export const PLATFORM_SUITES: readonly Suite[] = [goshipBuildSuite, goshipStackSuite];

export const SUITES: readonly Suite[] = [...PLATFORM_FREE_SUITES, ...PLATFORM_SUITES];
