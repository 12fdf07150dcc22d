import { tenantBase } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';
import type { LayoutServerLoad } from './$types';

// `untrack`: the base depends on the host and the /t/ prefix, which navigation within a tenant
// never changes, so this (and the session load below it) does not re-run on every link.
export const load: LayoutServerLoad = ({ params, url, untrack }) => ({
  tenant: params.tenant,
  base: untrack(() => tenantBase(url, params.tenant, TENANT_DOMAIN)),
});
