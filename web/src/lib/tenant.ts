// Which tenant a URL belongs to. Two schemes work side by side in one build:
//   host:  <slug>.<TENANT_DOMAIN>/...  (acme.localhost:3000/crm/contacts); the reroute hook maps it to /t/<slug>/...
//   path:  any host, /t/<slug>/...     (127.0.0.1:3000/t/acme/crm/contacts)
// `base` is the prefix links need: '' on a tenant host, '/t/<slug>' otherwise.

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isSlug(value: string): boolean {
  return SLUG.test(value);
}

/** The tenant named by the host, when the host is `<slug>.<tenantDomain>`. */
export function tenantFromHost(hostname: string, tenantDomain: string): string | null {
  if (!tenantDomain) return null;
  const suffix = `.${tenantDomain}`;
  if (!hostname.endsWith(suffix)) return null;
  const label = hostname.slice(0, -suffix.length);
  return isSlug(label) ? label : null;
}

/** The internal route path for a request: host-named tenants get their /t/<slug> prefix. */
/** Pages of no one company (the link in a mail names the company in its token). */
const GLOBAL_PAGES = new Set(['/signup', '/reset-password', '/verify-email', '/accept-invitation']);
/** Public pages whose token names the company (a shared quote: `/q/<token>`). */
const GLOBAL_PREFIXES = ['/q/'];

export function reroutePath(url: URL, tenantDomain: string): string | undefined {
  const slug = tenantFromHost(url.hostname, tenantDomain);
  // /t/..., the company sign-up and the emailed account links keep their own routes on every host.
  if (
    !slug ||
    url.pathname === '/t' ||
    url.pathname.startsWith('/t/') ||
    GLOBAL_PAGES.has(url.pathname) ||
    GLOBAL_PREFIXES.some((p) => url.pathname.startsWith(p))
  )
    return undefined;
  return `/t/${slug}${url.pathname === '/' ? '' : url.pathname}`;
}

/** The link prefix of a tenant's pages as the browser sees them. */
export function tenantBase(url: URL, slug: string, tenantDomain: string): string {
  return tenantFromHost(url.hostname, tenantDomain) === slug && !url.pathname.startsWith('/t/') ? '' : `/t/${slug}`;
}

/** A suggested company address from its name: "Acme Trading Ltd." → "acme-trading-ltd". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
