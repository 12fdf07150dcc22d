import type { ApiClient, TestEnv } from '@elevate/testkit';

/** Rows for the search-area tests, written as the schema owner (tenant and owner given explicitly). */
export function fixtures(env: TestEnv) {
  const one = async (sql: string, params: unknown[]) => {
    const rows = await env.sql<{ id: string }>(`${sql} returning id`, params);
    return (rows[0] as { id: string }).id;
  };
  return {
    async userId(client: ApiClient): Promise<string> {
      return (await client.get('/api/v1/core/me')).body.user.id;
    },
    contact(
      tenantId: string,
      ownerId: string,
      c: {
        name: string;
        kind?: 'person' | 'company';
        email?: string;
        companyId?: string;
        city?: string;
        phone?: string;
      },
    ) {
      return one(
        `insert into crm_contact (tenant_id, owner_id, kind, name, email, company_id, city, phone)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          tenantId,
          ownerId,
          c.kind ?? 'person',
          c.name,
          c.email ?? null,
          c.companyId ?? null,
          c.city ?? null,
          c.phone ?? null,
        ],
      );
    },
    lead(
      tenantId: string,
      ownerId: string,
      l: {
        title: string;
        description?: string;
        source?: string;
        companyName?: string;
        value?: string;
        email?: string;
        contactId?: string;
      },
    ) {
      return one(
        `insert into crm_lead (tenant_id, owner_id, title, description, source, company_name, value, email, contact_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          tenantId,
          ownerId,
          l.title,
          l.description ?? null,
          l.source ?? null,
          l.companyName ?? null,
          l.value ?? null,
          l.email ?? null,
          l.contactId ?? null,
        ],
      );
    },
    async opportunity(tenantId: string, ownerId: string, o: { title: string; contactId?: string }) {
      let stage = (
        await env.sql<{ id: string; pipeline_id: string }>(
          'select id, pipeline_id from crm_stage where tenant_id = $1 order by position limit 1',
          [tenantId],
        )
      )[0];
      if (!stage) {
        const pipelineId = await one("insert into crm_pipeline (tenant_id, name) values ($1, 'Test')", [tenantId]);
        const id = await one("insert into crm_stage (tenant_id, pipeline_id, name) values ($1, $2, 'New')", [
          tenantId,
          pipelineId,
        ]);
        stage = { id, pipeline_id: pipelineId };
      }
      return one(
        `insert into crm_opportunity (tenant_id, owner_id, title, contact_id, pipeline_id, stage_id)
         values ($1, $2, $3, $4, $5, $6)`,
        [tenantId, ownerId, o.title, o.contactId ?? null, stage.pipeline_id, stage.id],
      );
    },
    activity(tenantId: string, ownerId: string, contactId: string, subject: string) {
      return one(
        `insert into crm_activity (tenant_id, owner_id, kind, subject, contact_id) values ($1, $2, 'call', $3, $4)`,
        [tenantId, ownerId, subject, contactId],
      );
    },
    note(tenantId: string, ownerId: string, contactId: string, body: string) {
      return one('insert into crm_note (tenant_id, owner_id, body, contact_id) values ($1, $2, $3, $4)', [
        tenantId,
        ownerId,
        body,
        contactId,
      ]);
    },
    tag(tenantId: string, name: string) {
      return one('insert into crm_tag (tenant_id, name) values ($1, $2)', [tenantId, name]);
    },
    tagContact(tenantId: string, contactId: string, tagId: string) {
      return one('insert into crm_contact_tag (tenant_id, contact_id, tag_id) values ($1, $2, $3)', [
        tenantId,
        contactId,
        tagId,
      ]);
    },
    /** A user whose only role grants exactly these permissions. */
    async userWith(
      tenant: { id: string; as(role: 'member', email?: string): Promise<ApiClient> },
      key: string,
      permissions: string[],
    ) {
      const client = await tenant.as('member', `${key}@${tenant.id.slice(0, 8)}.test`);
      const roleId = await one('insert into core_role (tenant_id, key, name, permissions) values ($1, $2, $2, $3)', [
        tenant.id,
        key,
        permissions,
      ]);
      const userId = (await client.get('/api/v1/core/me')).body.user.id;
      await env.sql('update core_user_role set role_id = $3 where tenant_id = $1 and user_id = $2', [
        tenant.id,
        userId,
        roleId,
      ]);
      return client;
    },
  };
}
