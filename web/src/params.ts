import { defineParams } from '@sveltejs/kit/params';
import { isSlug } from '#lib/tenant.ts';

export const params = defineParams({
  /** A tenant slug (the kernel's rule). */
  slug: (param) => (isSlug(param) ? param : undefined),
  /** An addon id (the kernel's manifest rule). */
  addon: (param) => (/^[a-z][a-z0-9_]{1,31}$/.test(param) ? param : undefined),
});
