/**
 * The local platform's registry (distribution 2.8, filesystem storage) sometimes refuses a
 * push when many goship images with the same layers are pushed at once: the image push and
 * the cache export of one service upload a blob while another service's push mounts the same
 * blob into that repository; the mount answers 201, then the manifest PUT answers "blob
 * unknown to registry" (measured: the 50-service first up of the first full run). A second
 * `pulumi up` finds the blobs and finishes. The benchmark retries only its set-up up on this
 * error, and says so; a timed figure is never retried.
 */

/** The registry's answers that mark the push race (HTTP 400 on the manifest, 500 on a blob HEAD). */
const PUSH_RACE = /blob unknown to registry|provided digest did not match uploaded content|invalid checksum digest format/;

/** Whether a failed `pulumi up`'s message is the registry's push race rather than a real failure. */
export function isRegistryPushRace(message: string): boolean {
    return PUSH_RACE.test(message);
}
