// The stamp of a tenant's custom-field definitions, read by the request's opening statement.

/**
 * A stamp of the tenant's definitions that changes with any of them (each write sets `updated_at`
 * to clock_timestamp(); nothing deletes a definition): a column of the request's opening statement
 * (`u` is the caller's core_user row), so a process can keep definitions between requests and still
 * see another server's change at its next request, without a round trip of its own.
 */
export const CUSTOM_FIELDS_STAMP_SQL = `(select count(*) || ':' || coalesce(sum(hashtext(f.id::text || f.updated_at::text)), 0)
       from core_custom_field f where f.tenant_id = u.tenant_id) as cf_stamp`;
