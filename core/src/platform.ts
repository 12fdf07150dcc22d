/**
 * The platform (kernel + SDK contract) version this deployment runs; addons declare the range
 * they were written for as a literal (`platform: '^1.0.0'`) and the kernel refuses to boot one
 * outside it. It lives in the kernel, not the SDK, so an addon cannot compute its range from the
 * running version (`^${PLATFORM_VERSION}` would accept every platform). Equal to the version of
 * @elevate/sdk (checked by core/test/platform.test.ts).
 */
export const PLATFORM_VERSION = '1.0.0';
