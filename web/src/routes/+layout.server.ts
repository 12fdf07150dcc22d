import type { LayoutServerLoad } from './$types';

// The locale and time zone the server renders dates and amounts in, and the language of the pages,
// for the browser to use the same.
export const load: LayoutServerLoad = ({ locals }) => ({ format: locals.format, language: locals.language });
