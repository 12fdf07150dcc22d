import { redirect } from '@sveltejs/kit';
import { isSlug } from '#lib/tenant.ts';
import type { PageServerLoad } from './$types';

/** The start page: pick your company (its address), or create one. */
export const load: PageServerLoad = ({ url }) => {
  const company = url.searchParams.get('company')?.trim().toLowerCase();
  if (company && isSlug(company)) redirect(303, `/t/${company}/auth/login`);
  return { company: company ?? '', invalid: company !== undefined && company !== '' && !isSlug(company) };
};
