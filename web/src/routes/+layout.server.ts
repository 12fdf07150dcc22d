import type { LayoutServerLoad } from './$types';

// The locale and time zone the server renders dates and amounts in, for the browser to use the same.
export const load: LayoutServerLoad = ({ locals }) => ({ format: locals.format });
