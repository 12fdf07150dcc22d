import type { Reroute } from '@sveltejs/kit/hooks';
import { reroutePath } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';

/** `acme.localhost/crm/contacts` renders the route `/t/acme/crm/contacts` (see #lib/tenant.ts). */
export const reroute: Reroute = ({ url }) => reroutePath(url, TENANT_DOMAIN);
