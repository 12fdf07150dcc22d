import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { crm } from '../src/index.ts';

// Comments with @mentions, a platform feature crm's contacts, opportunities and leads opt into
// (`commentsOn` in crm's manifest): threads, edit and delete rules, safe text, mentions that
// notify, record rules, tenant isolation, bad input, GraphQL and the automation trigger.

const C = '/api/v1/core/comments';
let env: TestEnv;
let t: TestTenant;
let alice: ApiClient; // member: sees her own records only
let bob: ApiClient; // member: cannot see alice's contact
let admin: ApiClient;
let blind: ApiClient; // a role without crm.contact.read
const id: Record<string, string> = {};
let contact: string;

const me = async (c: ApiClient) => (await c.get('/api/v1/core/me')).body.user.id as string;
const post = (c: ApiClient, body: Record<string, unknown>) =>
  c.post(C, { model: 'crm.contact', recordId: contact, ...body });
const notifications = async (c: ApiClient) =>
  (await c.get('/api/v1/core/notifications')).body.data as {
    type: string;
    title: string;
    body: string;
    link: string;
  }[];

/** A minimal reader of the live stream (server-sent events): the events it sent, by name. */
async function openLive(c: ApiClient) {
  const abort = new AbortController();
  const events: { event: string; data: { payload?: { text?: string; recordId?: string } | null } }[] = [];
  const res = await fetch(`${env.url}/api/v1/core/live`, {
    headers: { authorization: `Bearer ${c.token}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  let connected = false;
  const reader = res.body?.getReader();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
          if (block.includes(': connected')) connected = true;
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await vi.waitFor(() => expect(connected).toBe(true), { timeout: 15_000, interval: 50 });
  return { events, close: () => abort.abort() };
}

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  t = await env.tenant('cmt', { enable: ['crm'] });
  alice = await t.as('member', 'alice@cmt.test');
  bob = await t.as('member', 'bob@cmt.test');
  admin = await t.as('admin', 'adam@cmt.test');
  blind = await t.as('member', 'nina@cmt.test');
  for (const [k, c] of [
    ['alice', alice],
    ['bob', bob],
    ['admin', admin],
    ['blind', blind],
    ['owner', t.client],
  ] as const)
    id[k] = await me(c);
  const role = await t.client.post('/api/v1/core/roles', { name: 'Auditor', permissions: ['core.audit.read'] });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  expect((await t.client.put(`/api/v1/core/users/${id.blind}/roles`, { roles: [role.body.key] })).status).toBe(200);
  const res = await alice.post('/api/v1/crm/contacts', { name: 'Ada Lovelace', email: 'ada@example.test' });
  expect(res.status).toBe(201);
  contact = res.body.id;
});
afterAll(() => env?.close());

describe('comments on a contact', () => {
  it('threads one level deep, renders mentions, notifies the mentioned user in-app with a link to the comment', async () => {
    const root = await post(alice, { body: `Met her today, **great** lead. <@${id.admin}> can you call?` });
    expect(root.status, JSON.stringify(root.body)).toBe(201);
    expect(root.body).toMatchObject({
      model: 'crm.contact',
      recordId: contact,
      parentId: null,
      author: { id: id.alice },
      mentions: [{ id: id.admin }],
      editedAt: null,
    });
    expect(root.body.text).toContain('@adam');
    expect(root.body.html).toContain('<strong>great</strong>');
    expect(root.body.html).toContain(`<span class="mention" data-user-id="${id.admin}">@`);
    const told = (await notifications(admin)).find((n) => n.type === 'core.mention');
    expect(told?.link).toBe(`/crm/contacts/${contact}#comment-${root.body.id}`);
    expect(told?.title).toContain('Ada Lovelace');
    expect(told?.body).toContain('can you call?');
    // The author is not told about their own mention; the others are not told at all.
    expect(await notifications(alice)).toHaveLength(0);

    const reply = await post(admin, { body: 'On it.', parentId: root.body.id });
    expect(reply.status).toBe(201);
    const nested = await post(alice, { body: 'Thanks', parentId: reply.body.id });
    expect(nested.status).toBe(400);
    expect(nested.body.details[0].path).toBe('parentId');

    const list = await alice.get(`${C}?model=crm.contact&recordId=${contact}`);
    expect(list.status).toBe(200);
    const thread = list.body.data.find((c: { id: string }) => c.id === root.body.id);
    expect(thread.replies.map((r: { id: string }) => r.id)).toEqual([reply.body.id]);
    expect(list.body).toMatchObject({ limit: 50, offset: 0 });
    expect(list.body.total_count).toBeGreaterThanOrEqual(1);

    // On the contact's timeline too.
    const view = await alice.get(`/api/v1/crm/contacts/${contact}/360`);
    const entry = view.body.timeline.find((e: { id: string }) => e.id === `comment:${root.body.id}`);
    expect(entry).toMatchObject({ type: 'core.comment', href: `/crm/contacts/${contact}#comment-${root.body.id}` });
    expect(entry.body).toContain('@adam');
  });

  it('stores text, never HTML: scripts, handlers and javascript: links come out inert', async () => {
    const evil =
      '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) javascript:alert(4) https://ok.example/path?q=1 `<b>code</b>`';
    const res = await post(alice, { body: evil });
    expect(res.status).toBe(201);
    const html = res.body.html as string;
    expect(html).not.toMatch(/<script|<img|<b>|href="javascript/i);
    expect(html).not.toContain('onerror="');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(html).toContain('<a href="https://ok.example/path?q=1" rel="noopener noreferrer nofollow" target="_blank">');
    expect(html).toContain('<code>&lt;b&gt;code&lt;/b&gt;</code>');
    // Only the tags the renderer writes itself.
    const tags = [...html.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['p', 'a', 'code']));
    expect(res.body.body).toBe(evil);
  });

  it('tells each mentioned user in the language of their profile', async () => {
    const greta = await t.as('admin', 'greta@cmt.test');
    expect((await greta.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    const gretaId = await me(greta);
    const res = await post(alice, { body: `<@${gretaId}> <@${id.admin}> see this` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const aliceName = (await alice.get('/api/v1/core/me')).body.user.name as string;
    const german = (await notifications(greta)).find((n) => n.link.endsWith(`#comment-${res.body.id}`));
    expect(german?.title).toBe(`${aliceName} hat Sie bei Ada Lovelace erwähnt`);
    const english = (await notifications(admin)).find((n) => n.link.endsWith(`#comment-${res.body.id}`));
    expect(english?.title).toBe(`${aliceName} mentioned you on Ada Lovelace`);
  });

  it('lets only the author edit (marked edited, new mentions told) and the author or an admin delete', async () => {
    const c = await post(alice, { body: 'First draft' });
    expect((await admin.patch(`${C}/${c.body.id}`, { body: 'hijacked' })).status).toBe(403);
    const before = (await notifications(t.client)).length;
    const edited = await alice.patch(`${C}/${c.body.id}`, { body: `Second draft for <@${id.owner}>` });
    expect(edited.status).toBe(200);
    expect(edited.body.editedAt).not.toBeNull();
    expect(edited.body.mentions).toEqual([{ id: id.owner, name: expect.any(String) }]);
    expect((await notifications(t.client)).length).toBe(before + 1);
    // Editing again without a new mention tells nobody again.
    await alice.patch(`${C}/${c.body.id}`, { body: `Third draft for <@${id.owner}>` });
    expect((await notifications(t.client)).length).toBe(before + 1);

    const reply = await post(admin, { body: 'a reply', parentId: c.body.id });
    // Someone who can read the contact but did not write the comment may not delete it.
    const reader = await t.client.post('/api/v1/core/roles', { name: 'Reader', permissions: ['crm.contact.read'] });
    const olga = await t.as('member', 'olga@cmt.test');
    await t.client.put(`/api/v1/core/users/${await me(olga)}/roles`, { roles: [reader.body.key] });
    expect((await olga.get(`${C}?model=crm.contact&recordId=${contact}`)).status).toBe(200);
    const refused = await olga.delete(`${C}/${c.body.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('core.comments.moderate');
    expect((await admin.delete(`${C}/${c.body.id}`)).status).toBe(204);
    // The thread stays as a marker while it has replies; its text is gone.
    const list = await alice.get(`${C}?model=crm.contact&recordId=${contact}`);
    const marker = list.body.data.find((x: { id: string }) => x.id === c.body.id);
    expect(marker).toMatchObject({ body: '', html: '', mentions: [] });
    expect(marker.deletedAt).not.toBeNull();
    expect(marker.replies.map((r: { id: string }) => r.id)).toEqual([reply.body.id]);
    expect((await alice.patch(`${C}/${c.body.id}`, { body: 'back' })).status).toBe(404);
    // The author deletes their own; a deleted thread without replies disappears.
    expect((await admin.delete(`${C}/${reply.body.id}`)).status).toBe(204);
    const after = await alice.get(`${C}?model=crm.contact&recordId=${contact}`);
    expect(after.body.data.map((x: { id: string }) => x.id)).not.toContain(c.body.id);
  });

  it('follows record rules: who cannot see the contact can neither read, write nor be mentioned', async () => {
    const c = await post(alice, { body: 'private' });
    expect((await bob.get(`${C}?model=crm.contact&recordId=${contact}`)).status).toBe(404);
    expect((await post(bob, { body: 'hi' })).status).toBe(404);
    expect((await bob.patch(`${C}/${c.body.id}`, { body: 'x' })).status).toBe(404);
    expect((await bob.delete(`${C}/${c.body.id}`)).status).toBe(404);
    expect((await bob.get(`${C}/mentionable?model=crm.contact&recordId=${contact}`)).status).toBe(404);
    const tell = await post(alice, { body: `look <@${id.bob}>` });
    expect(tell.status).toBe(422);
    expect(tell.body).toMatchObject({ code: 'MENTION_CANNOT_READ' });
    expect(tell.body.details[0].path).toBe('body');
    expect(await notifications(bob)).toHaveLength(0);
    // The autocomplete lists the company's users who may read the record, and only them.
    const who = await alice.get(`${C}/mentionable?model=crm.contact&recordId=${contact}&q=`);
    expect(who.status).toBe(200);
    const ids = who.body.data.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([id.alice, id.admin, id.owner]));
    expect(ids).not.toContain(id.bob);
    expect(ids).not.toContain(id.blind);
    const named = await alice.get(`${C}/mentionable?model=crm.contact&recordId=${contact}&q=ada`);
    expect(named.body.data.map((u: { id: string }) => u.id)).toEqual([id.admin]);
  });

  it('reaches the live streams of those who may read the record only, after commit', async () => {
    const aliceLive = await openLive(alice);
    const bobLive = await openLive(bob);
    const blindLive = await openLive(blind);
    try {
      const c = await post(admin, { body: 'Live and private' });
      expect(c.status).toBe(201);
      await vi.waitFor(
        () =>
          expect(
            aliceLive.events.find(
              (e) => e.event === 'core.comment.created' && e.data.payload?.text === 'Live and private',
            ),
          ).toBeTruthy(),
        { timeout: 15_000, interval: 50 },
      );
      await env.flush();
      await new Promise((r) => setTimeout(r, 300));
      // Bob reads contacts @own and this one is not his: at most that something happened, no text, no record.
      for (const e of bobLive.events.filter((x) => x.event.startsWith('core.comment.'))) {
        expect(e.data.payload).toBeNull();
      }
      expect(blindLive.events.filter((e) => e.event.startsWith('core.comment.'))).toEqual([]);
    } finally {
      aliceLive.close();
      bobLive.close();
      blindLive.close();
    }
  });

  it('answers 403 without the record’s read permission', async () => {
    expect((await blind.get(`${C}?model=crm.contact&recordId=${contact}`)).status).toBe(403);
    expect((await post(blind, { body: 'x' })).status).toBe(403);
    expect((await blind.get(`${C}/mentionable?model=crm.contact&recordId=${contact}`)).status).toBe(403);
    const own = await post(alice, { body: 'for the blind test' });
    expect((await blind.patch(`${C}/${own.body.id}`, { body: 'x' })).status).toBe(403);
    expect((await blind.delete(`${C}/${own.body.id}`)).status).toBe(403);
    const g = await blind.graphql('query($r: ID!) { comments(model: "crm.contact", recordId: $r) { totalCount } }', {
      r: contact,
    });
    expect(g.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('refuses bad input with a 4xx naming the field', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ body: '' }, 400, 'body'],
      [{ body: '   \n ' }, 400, 'body'],
      [{ body: 'x'.repeat(5001) }, 400, 'body'],
      [{ body: 'nul \u0000 here' }, 400, 'body'],
      [{ body: 'x'.repeat(20_001) }, 400, 'body'],
      [{ body: 42 }, 400, 'body'],
      [{ body: 'x', model: 'crm.nothing' }, 400, 'model'],
      [{ body: 'x', model: 'crm.tag' }, 400, 'model'],
      [{ body: 'x', parentId: '00000000-0000-4000-8000-000000000000' }, 400, 'parentId'],
      [{ body: 'x', extra: 1 }, 400, 'extra'],
      [{ body: 'x', recordId: 'nope' }, 404, ''],
    ];
    for (const [body, status, path] of cases) {
      const res = await post(alice, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      if (path) expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const many = Array.from({ length: 21 }, () => `<@${crypto.randomUUID()}>`).join(' ');
    expect((await post(alice, { body: many })).body.details[0].path).toBe('body');
    expect((await alice.get(`${C}?model=crm.contact`)).status).toBe(400);
    expect((await alice.get(`${C}?model=crm.contact&recordId=${contact}&limit=0`)).status).toBe(400);
    expect((await alice.patch(`${C}/not-a-uuid`, { body: 'x' })).status).toBe(404);
    const c = await post(alice, { body: 'ok' });
    expect((await alice.patch(`${C}/${c.body.id}`, { body: '' })).status).toBe(400);
    expect((await alice.patch(`${C}/${c.body.id}`, {})).body.details[0].path).toBe('body');
  });
});

describe('tenant isolation', () => {
  it('another company gets 404 and cannot mention this company’s users', async () => {
    const other = await env.tenant('cmt-b', { enable: ['crm'] });
    const c = await post(alice, { body: 'mine' });
    expect((await other.client.get(`${C}?model=crm.contact&recordId=${contact}`)).status).toBe(404);
    expect((await other.client.post(C, { model: 'crm.contact', recordId: contact, body: 'x' })).status).toBe(404);
    expect((await other.client.patch(`${C}/${c.body.id}`, { body: 'x' })).status).toBe(404);
    expect((await other.client.delete(`${C}/${c.body.id}`)).status).toBe(404);
    expect((await other.client.get(`${C}/mentionable?model=crm.contact&recordId=${contact}`)).status).toBe(404);
    const g = await other.client.graphql(
      'query($r: ID!) { comments(model: "crm.contact", recordId: $r) { totalCount } }',
      {
        r: contact,
      },
    );
    expect(g.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    // B's own contact: mentioning a user of A is a 422 naming the field.
    const theirs = (await other.client.post('/api/v1/crm/contacts', { name: 'Theirs' })).body.id;
    const cross = await other.client.post(C, { model: 'crm.contact', recordId: theirs, body: `hey <@${id.alice}>` });
    expect(cross.status).toBe(422);
    expect(cross.body).toMatchObject({ code: 'MENTION_UNKNOWN_USER' });
    expect(cross.body.details[0].path).toBe('body');
    const users = await other.client.get(`${C}/mentionable?model=crm.contact&recordId=${theirs}&q=alice`);
    expect(users.body.data).toEqual([]);
  });
});

describe('GraphQL, events, opportunities and leads', () => {
  it('adds, edits, lists and deletes through GraphQL with the same rules', async () => {
    const add = await alice.graphql(
      'mutation($i: AddCommentInput!) { addComment(input: $i) { id html author { id } mentions { id } } }',
      { i: { model: 'crm.contact', recordId: contact, body: `_gql_ <@${id.admin}>` } },
    );
    expect(add.body.errors).toBeUndefined();
    const cid = add.body.data.addComment.id;
    expect(add.body.data.addComment.html).toContain('<em>gql</em>');
    const edit = await admin.graphql('mutation($id: ID!) { editComment(id: $id, body: "x") { id } }', { id: cid });
    expect(edit.body.errors[0].extensions).toMatchObject({ code: 'COMMENT_NOT_AUTHOR', status: 403 });
    const list = await alice.graphql(
      'query($r: ID!) { comments(model: "crm.contact", recordId: $r, limit: 100) { totalCount nodes { id replies { id } } } }',
      { r: contact },
    );
    expect(list.body.data.comments.nodes.map((n: { id: string }) => n.id)).toContain(cid);
    const who = await alice.graphql(
      'query($r: ID!) { mentionableUsers(model: "crm.contact", recordId: $r, q: "bob") { id } }',
      { r: contact },
    );
    expect(who.body.data.mentionableUsers).toEqual([]);
    const bad = await alice.graphql('mutation($i: AddCommentInput!) { addComment(input: $i) { id } }', {
      i: { model: 'crm.contact', recordId: contact, body: '' },
    });
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    const del = await alice.graphql('mutation($id: ID!) { deleteComment(id: $id) }', { id: cid });
    expect(del.body.data.deleteComment).toBe(true);
  });

  it('writes core.comment.created to the outbox with the record’s permission and owner, offered as a trigger', async () => {
    const c = await post(alice, { body: `event <@${id.admin}>` });
    const [row] = await env.sql<{ name: string; payload: Record<string, unknown> }>(
      'select name, payload from core_outbox where tenant_id = $1 and aggregate_id = $2',
      [t.id, c.body.id],
    );
    expect(row).toMatchObject({
      name: 'core.comment.created',
      payload: {
        model: 'crm.contact',
        recordId: contact,
        authorId: id.alice,
        ownerId: id.alice,
        permission: 'crm.contact.read',
        mentions: [id.admin],
        link: `/crm/contacts/${contact}#comment-${c.body.id}`,
      },
    });
    const catalog = await t.client.get('/api/v1/core/automation/catalog');
    expect(catalog.body.triggers.map((x: { name: string }) => x.name)).toContain('core.comment.created');
    const rule = await t.client.post('/api/v1/core/automation/rules', {
      name: 'Tell the owner about comments',
      trigger: { type: 'event', event: 'core.comment.created' },
      actions: [
        { id: 'n', action: 'core.send_notification', params: { userId: '{{record.ownerId}}', title: 'New comment' } },
      ],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  });

  it('takes comments on opportunities and leads, with links to their pages', async () => {
    const opp = await alice.post('/api/v1/crm/opportunities', { title: 'Forty licences', contactId: contact });
    expect(opp.status, JSON.stringify(opp.body)).toBe(201);
    const onOpp = await alice.post(C, {
      model: 'crm.opportunity',
      recordId: opp.body.id,
      body: `<@${id.admin}> deal!`,
    });
    expect(onOpp.status).toBe(201);
    const lead = await alice.post('/api/v1/crm/leads', { title: 'Inbound from the fair' });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    const onLead = await alice.post(C, { model: 'crm.lead', recordId: lead.body.id, body: `<@${id.admin}> lead!` });
    expect(onLead.status).toBe(201);
    await vi.waitFor(async () => {
      const links = (await notifications(admin)).map((n) => n.link);
      expect(links).toContain(`/crm/opportunities/${opp.body.id}#comment-${onOpp.body.id}`);
      expect(links).toContain(`/crm/leads/${lead.body.id}#comment-${onLead.body.id}`);
    });
    expect((await bob.get(`${C}?model=crm.opportunity&recordId=${opp.body.id}`)).status).toBe(404);
  });

  it('mails the mention instead when the user chose email for mentions', async () => {
    const set = await admin.put('/api/v1/core/notifications/preferences', {
      preferences: [{ type: 'core.mention', channel: 'email' }],
    });
    expect(set.body.data).toEqual(
      expect.arrayContaining([{ type: 'core.mention', title: expect.any(String), channel: 'email' }]),
    );
    const before = (await notifications(admin)).length;
    const c = await post(alice, { body: `by mail <@${id.admin}>` });
    expect((await notifications(admin)).length).toBe(before);
    const mails = await env.sql<{ template: string; data: { title: string; url: string } }>(
      "select template, data from core_mail_log where tenant_id = $1 and to_address = 'adam@cmt.test'",
      [t.id],
    );
    expect(mails.map((m) => m.data.url)).toContain(
      `http://localhost:3000/t/cmt/crm/contacts/${contact}#comment-${c.body.id}`,
    );
    await admin.put('/api/v1/core/notifications/preferences', {
      preferences: [{ type: 'core.mention', channel: 'in-app' }],
    });
  });
});

type Note = { type: string; title: string; link: string };

describe('mentions of teams', () => {
  it('notifies each member of a mentioned team who may read the record, once, never the author', async () => {
    const team = await t.client.post('/api/v1/core/teams', {
      name: 'Sales cmt',
      memberIds: [id.alice, id.admin, id.owner, id.bob, id.blind],
    });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const teamId = team.body.id as string;

    // The picker lists the team, with how many of its members can see the record (alice, adam, the owner).
    const who = await alice.get(`${C}/mentionable?model=crm.contact&recordId=${contact}&q=sales`);
    expect(who.status).toBe(200);
    expect(who.body.data).toContainEqual({ kind: 'team', id: teamId, name: 'Sales cmt', readers: 3 });
    const users = await alice.get(`${C}/mentionable?model=crm.contact&recordId=${contact}&q=adam`);
    expect(users.body.data[0]).toMatchObject({ kind: 'user', id: id.admin });

    const mentionsOf = async (c: ApiClient): Promise<Note[]> =>
      (await notifications(c)).filter((n) => n.type === 'core.mention');
    const counts = async () => ({
      admin: await mentionsOf(admin),
      owner: await mentionsOf(t.client),
      bob: await mentionsOf(bob),
      blind: await mentionsOf(blind),
    });
    const before = await counts();
    const c = await post(alice, { body: `Heads up <@team:${teamId}>, and <@${id.admin}> in particular` });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body.teamMentions).toEqual([{ id: teamId, name: 'Sales cmt' }]);
    expect(c.body.mentions).toEqual([{ id: id.admin, name: expect.any(String) }]);
    expect(c.body.text).toContain('@Sales cmt (team)');
    expect(c.body.html).toContain(
      `<span class="mention mention-team" data-team-id="${teamId}" title="Team">@Sales cmt</span>`,
    );
    const after = await counts();
    const fresh = (k: keyof typeof after) => after[k].length - before[k].length;
    // adam: mentioned by name and through the team, told once; the owner through the team.
    expect(fresh('admin')).toBe(1);
    expect(fresh('owner')).toBe(1);
    expect(after.owner[0]?.title).toContain('your team Sales cmt');
    expect(after.owner[0]?.link).toBe(`/crm/contacts/${contact}#comment-${c.body.id}`);
    expect(after.admin[0]?.title).toContain('mentioned you');
    // bob cannot see alice's contact, nina has no crm read: members, not told. alice wrote it.
    expect(fresh('bob')).toBe(0);
    expect(fresh('blind')).toBe(0);
    expect(await notifications(alice)).toHaveLength(0);

    // An edit tells only whom it reaches for the first time.
    const plain = await post(alice, { body: `Only <@${id.admin}>` });
    const mid = await counts();
    const edited = await alice.patch(`${C}/${plain.body.id}`, { body: `<@${id.admin}> and <@team:${teamId}>` });
    expect(edited.status).toBe(200);
    const end = await counts();
    expect(end.admin.length - mid.admin.length).toBe(0);
    expect(end.owner.length - mid.owner.length).toBe(1);

    // GraphQL's mentionable says the kind too.
    const g = await alice.graphql(
      'query($r: ID!) { mentionable(model: "crm.contact", recordId: $r, q: "sales") { kind id name readers } }',
      { r: contact },
    );
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.mentionable).toContainEqual({ kind: 'team', id: teamId, name: 'Sales cmt', readers: 3 });

    // Another company can neither list nor mention this company's team.
    const other = await env.tenant('cmt-c', { enable: ['crm'] });
    const theirs = (await other.client.post('/api/v1/crm/contacts', { name: 'Theirs' })).body.id;
    const cross = await other.client.post(C, { model: 'crm.contact', recordId: theirs, body: `hey <@team:${teamId}>` });
    expect(cross.status).toBe(422);
    expect(cross.body).toMatchObject({ code: 'MENTION_UNKNOWN_TEAM' });
    expect(cross.body.details[0].path).toBe('body');
    const listed = await other.client.get(`${C}/mentionable?model=crm.contact&recordId=${theirs}&q=sales`);
    expect(listed.body.data).toEqual([]);
  });
});

describe('the edit window and deleting the record', () => {
  let w: TestTenant;
  let member: ApiClient;
  let wadmin: ApiClient;
  let record: string;
  const age = (commentId: string, minutes: number) =>
    env.sql(`update core_comment set created_at = now() - make_interval(mins => $2) where id = $1`, [
      commentId,
      minutes,
    ]);

  beforeAll(async () => {
    w = await env.tenant('cmt-w', { enable: ['crm'] });
    member = await w.as('member', 'mia@cmt-w.test');
    wadmin = await w.as('admin', 'al@cmt-w.test');
    record = (await member.post('/api/v1/crm/contacts', { name: 'Windowed' })).body.id;
  });

  it('lets the author edit and delete within the company window; moderators delete after it', async () => {
    expect((await member.get(`${C}/settings`)).body).toEqual({ editWindowMinutes: 15 });
    const c = await member.post(C, { model: 'crm.contact', recordId: record, body: 'fresh' });
    expect(c.status).toBe(201);
    expect(Date.parse(c.body.editableUntil) - Date.parse(c.body.createdAt)).toBe(15 * 60_000);
    await age(c.body.id, 16);
    const late = await member.patch(`${C}/${c.body.id}`, { body: 'too late' });
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('COMMENT_EDIT_WINDOW_PASSED');
    expect(late.body.message).toContain('can no longer be edited');
    const del = await member.delete(`${C}/${c.body.id}`);
    expect(del.status).toBe(403);
    expect(del.body.code).toBe('COMMENT_EDIT_WINDOW_PASSED');
    const listed = (await member.get(`${C}?model=crm.contact&recordId=${record}`)).body.data;
    const row = listed.find((x: { id: string }) => x.id === c.body.id);
    expect(Date.parse(row.editableUntil)).toBeLessThan(Date.now());
    expect(row.body).toBe('fresh');
    // Just inside the window it still works.
    const d = await member.post(C, { model: 'crm.contact', recordId: record, body: 'draft' });
    await age(d.body.id, 14);
    expect((await member.patch(`${C}/${d.body.id}`, { body: 'draft 2' })).status).toBe(200);
    // The owner moderates (core.comments.moderate through *): deletes after the window.
    expect((await w.client.delete(`${C}/${c.body.id}`)).status).toBe(204);
    const g = await member.graphql(
      'query($r: ID!) { comments(model: "crm.contact", recordId: $r) { nodes { id editableUntil } } }',
      { r: record },
    );
    expect(g.body.data.comments.nodes.find((n: { id: string }) => n.id === d.body.id).editableUntil).toBeTruthy();
  });

  it('admins set the window (0 = no limit); members may not; another company keeps its own', async () => {
    const c = await member.post(C, { model: 'crm.contact', recordId: record, body: 'old words' });
    await age(c.body.id, 600);
    const refused = await member.put(`${C}/settings`, { editWindowMinutes: 0 });
    expect(refused.status).toBe(403);
    for (const bad of [{ editWindowMinutes: -1 }, { editWindowMinutes: 1.5 }, { editWindowMinutes: '10' }, {}]) {
      const res = await wadmin.put(`${C}/settings`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.details[0].path).toBe('editWindowMinutes');
    }
    expect((await wadmin.put(`${C}/settings`, { editWindowMinutes: 15, x: 1 })).body.details[0].path).toBe('x');
    try {
      const open = await wadmin.put(`${C}/settings`, { editWindowMinutes: 0 });
      expect(open.body).toEqual({ editWindowMinutes: 0 });
      const listed = (await member.get(`${C}?model=crm.contact&recordId=${record}`)).body.data;
      expect(listed.find((x: { id: string }) => x.id === c.body.id).editableUntil).toBeNull();
      expect((await member.patch(`${C}/${c.body.id}`, { body: 'new words' })).status).toBe(200);
      // Another company's window is untouched.
      expect((await alice.get(`${C}/settings`)).body).toEqual({ editWindowMinutes: 15 });
      await wadmin.put(`${C}/settings`, { editWindowMinutes: 700 });
      expect((await member.delete(`${C}/${c.body.id}`)).status).toBe(204);
    } finally {
      await wadmin.put(`${C}/settings`, { editWindowMinutes: 15 });
    }
  });

  it('deletes a record’s comments and their mention notifications with the record, whatever deletes it', async () => {
    const gone = (await w.client.post('/api/v1/crm/contacts', { name: 'Goes away' })).body.id;
    const stays = (await w.client.post('/api/v1/crm/contacts', { name: 'Stays' })).body.id;
    const ownerId = await me(w.client);
    const root = await wadmin.post(C, { model: 'crm.contact', recordId: gone, body: `look <@${ownerId}>` });
    expect(root.status, JSON.stringify(root.body)).toBe(201);
    await wadmin.post(C, { model: 'crm.contact', recordId: gone, body: 'a reply', parentId: root.body.id });
    const kept = await wadmin.post(C, { model: 'crm.contact', recordId: stays, body: `and <@${ownerId}>` });
    const links = async () => (await notifications(w.client)).map((n) => n.link);
    expect(await links()).toContain(`/crm/contacts/${gone}#comment-${root.body.id}`);

    expect((await w.client.delete(`/api/v1/crm/contacts/${gone}`)).status).toBe(204);
    const left = await env.sql<{ record_id: string }>('select record_id from core_comment where record_id = any($1)', [
      [gone, stays],
    ]);
    expect(left.map((r) => r.record_id)).toEqual([stays]);
    expect(await links()).not.toContain(`/crm/contacts/${gone}#comment-${root.body.id}`);
    expect(await links()).toContain(`/crm/contacts/${stays}#comment-${kept.body.id}`);

    // Not only through the API: a delete in SQL takes them too (a trigger on the model's table).
    await env.sql('delete from crm_contact where id = $1', [stays]);
    expect(await env.sql('select 1 from core_comment where record_id = $1', [stays])).toEqual([]);
    expect(await links()).not.toContain(`/crm/contacts/${stays}#comment-${kept.body.id}`);
  });

  it('a merge hands the duplicate’s comments to the kept contact before deleting it', async () => {
    const kept = (await w.client.post('/api/v1/crm/contacts', { name: 'Kept Person' })).body.id;
    const dup = (await w.client.post('/api/v1/crm/contacts', { name: 'Kept Persn' })).body.id;
    const ownerId = await me(w.client);
    const c = await wadmin.post(C, { model: 'crm.contact', recordId: dup, body: `see <@${ownerId}>` });
    expect(c.status).toBe(201);
    const merged = await w.client.post(`/api/v1/crm/contacts/${kept}/merge`, { duplicateId: dup });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const list = await w.client.get(`${C}?model=crm.contact&recordId=${kept}`);
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(c.body.id);
    const links = (await notifications(w.client)).map((n) => n.link);
    expect(links).toContain(`/crm/contacts/${kept}#comment-${c.body.id}`);
    expect(links).not.toContain(`/crm/contacts/${dup}#comment-${c.body.id}`);
  });
});
