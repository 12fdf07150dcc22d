// crm search benchmark: 100,000 contacts in one tenant of 1,000 (the 999 others hold 100 each),
// searched the way people type into Ctrl/Cmd+K (a last name without its accents, a prefix, a
// typo, first name + start of the last). Each query is timed as the app role inside a tenant
// transaction (forced row-level security, as requests run), for:
//   fts-rls     the crm search before (tsvector @@ prefix tsquery on the `search` column)
//   trgm-rls    the same trigram match as now, written directly against the table (what the
//               planner does with `<%` under forced RLS)
//   function    crm_search_contacts (crm 0005: SECURITY DEFINER, tenant rule inside, GIN used)
//   api         GET /api/v1/core/search end to end (HTTP, auth, every crm provider)
// and prints p50/p95/max per method plus EXPLAIN ANALYZE of one query each.
//   pnpm exec tsx addons/crm/bench/search.bench.ts      (QUERIES=60 by default)

import { loadavg } from 'node:os';
import { searchTerms } from '@elevate/sdk';
import { bootTestKernel } from '@elevate/testkit';
import pg from 'pg';
import { crm } from '../src/index.ts';

const QUERIES = Math.max(50, Number(process.env.QUERIES ?? 60));
const BIG = 100_000;
const TENANTS = 1_000;
const SMALL = 100;

const started = Date.now();
const env = await bootTestKernel({ addons: [crm], workers: false });
const big = await env.tenant('big', { enable: ['crm'] });
const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [big.id]);

const FIRST = `{Ada,Alan,Grace,Jürgen,Zoë,Ángel,José,Chloé,François,Søren,Ingrid,Björn,Łukasz,Małgorzata,Hélène,Agnès,Noémie,Renée,Mikael,Anaïs,Ioana,Dušan,Miloš,Çağla,Emre,Gökhan,Yusuf,Fatima,Priya,Arjun,Wei,Mei,Hiroshi,Yuki,Olga,Dmitri,Sven,Lars,Astrid,Eamon,Siobhán,Niamh,Seán,Pedro,Inês,João,Lucía,Martín,Sofía,Mateo,Camila,Thomas,Sarah,James,Emily,Michael,Laura,Daniel,Anna,David}`;
const LAST = `{Müller,Schröder,Lovelace,Hopper,Turing,García,Núñez,Peña,Ibáñez,Jørgensen,Åberg,Öztürk,Çelik,Şahin,Kowalski,Wiśniewski,Dvořák,Novák,Horváth,Kovačević,Lefèvre,Gauthier,Bérubé,Côté,Moreau,Fontaine,Dubois,Rossi,Bianchi,Esposito,Ricci,Santos,Gonçalves,Rodríguez,Fernández,López,Martínez,Sánchez,Pérez,Gómez,Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Wilson,Anderson,Taylor,Thomas,Moore,Jackson,Martin,Lee,Thompson,White,Harris,Clark,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,Green,Baker,Adams,Nelson,Hill,Campbell,Mitchell,Roberts,Carter,Phillips,Evans,Turner,Torres,Parker,Collins,Edwards,Stewart,Flores,Morris,Nguyen,Murphy,Rivera,Cook,Rogers,Morgan,Peterson,Cooper,Reed,Bailey,Bell,Kelly,Howard,Ward,Cox,Richardson,Wood,Watson,Brooks,Bennett,Gray,James,Reyes,Cruz,Hughes,Price,Myers,Long,Foster,Sanders,Ross,Morales,Powell,Sullivan,Russell,Ortiz,Jenkins,Gutiérrez,Perry,Butler,Barnes,Fisher,Henderson,Coleman,Simmons,Patterson,Jordan,Reynolds,Hamilton,Graham,Kim,González,Alexander,Ramos,Wallace,Griffin,West,Cole,Hayes,Chavez,Gibson,Bryant,Ellis,Stevens,Murray,Ford,Marshall,Owens,McDonald,Harrison,Ruiz,Kennedy,Wells,Álvarez,Woods,Mendoza,Castillo,Olson,Webb,Washington,Tucker,Freeman,Burns,Henry,Vásquez,Snyder,Simpson,Crawford,Jiménez,Porter,Mason,Shaw,Gordon,Wagner,Hunter,Romero,Hicks,Dixon,Hunt,Palmer,Robertson,Black,Holmes,Stone,Meyer,Boyd,Mills,Warren,Fox,Rose,Rice,Moreno,Schmidt,Patel,Ferguson,Nichols,Herrera,Medina,Ryan,Fernandes,Weaver,Daniels,Stephens,Gardner,Payne,Kelley,Dunn,Pierce,Arnold,Tran,Spencer,Peters,Hawkins,Grant,Hansen,Castro,Hoffman,Hart,Elliott,Cunningham,Knight,Bradley}`;
const WORDS = `{Analytical,Engines,Global,Nordic,Atlas,Summit,Harbor,Quantum,Vertex,Pioneer,Horizon,Meridian,Cascade,Granite,Falcon,Cedar,Aurora,Beacon,Crescent,Delta}`;
const KINDS = `{Ltd,GmbH,SA,SARL,Inc,AG,BV,Oy,AB,SpA}`;

// The big tenant: 95,000 people at 5,000 companies.
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, email, city)
   select $1, $2, 'company', w1 || ' ' || w2 || ' ' || k, 'info@' || lower(w1) || g || '.test', 'City ' || (g % 97)
   from generate_series(1, 5000) g,
     lateral (select ($3::text[])[1 + g % 20] w1, ($3::text[])[1 + (g / 20) % 20] w2, ($4::text[])[1 + (g / 400) % 10] k) x`,
  [big.id, owner?.id, WORDS, KINDS],
);
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, first_name, last_name, email, job_title, city, phone)
   select $1, $2, 'person', fn || ' ' || ln, fn, ln, lower(fn) || '.' || g || '@example.test', 'Role ' || (g % 40),
     'City ' || (g % 97), '+44 20 ' || lpad((g * 7919 % 10000000)::text, 7, '0')
   from generate_series(1, ${BIG - 5000}) g,
     lateral (select ($3::text[])[1 + (g * 31) % 60] fn, ($4::text[])[1 + (g * 17 + g / 60) % cardinality($4::text[])] ln) x`,
  [big.id, owner?.id, FIRST, LAST],
);
// 999 other tenants of 100 contacts each.
await env.sql(
  `insert into core_tenant (slug, name) select 'other-' || g, 'Other ' || g from generate_series(1, ${TENANTS - 1}) g`,
);
await env.sql(
  `insert into crm_contact (tenant_id, kind, name, email)
   select t.id, 'person', ($1::text[])[1 + (g * 7 + n) % 60] || ' ' || ($2::text[])[1 + (g * 13 + n) % cardinality($2::text[])],
     'p' || g || '@other' || n || '.test'
   from (select id, row_number() over (order by id) n from core_tenant where slug like 'other-%') t,
     generate_series(1, ${SMALL}) g`,
  [FIRST, LAST],
);
await env.sql('vacuum analyze');
const [count] = await env.sql<{ total: string; mine: string }>(
  'select count(*) total, count(*) filter (where tenant_id = $1) mine from crm_contact',
  [big.id],
);
console.log(
  `data: ${count?.mine} contacts in the big tenant, ${count?.total} in ${TENANTS} tenants (${Date.now() - started} ms)`,
);

// Queries as people type them, from real rows of the big tenant.
const sample = await env.sql<{ first_name: string; last_name: string }>(
  'select first_name, last_name from crm_contact where tenant_id = $1 and kind = $2 order by md5(id::text) limit $3',
  [big.id, 'person', QUERIES],
);
const fold = (s: string) => searchTerms(s).join(' ');
const typo = (s: string) => (s.length > 4 ? s.slice(0, 2) + s.slice(3) : `${s}e`);
const queries = sample.map((r, i) => {
  const last = fold(r.last_name);
  switch (i % 4) {
    case 0:
      return last; // without accents
    case 1:
      return last.slice(0, Math.max(3, Math.ceil(last.length / 2))); // a prefix
    case 2:
      return typo(last); // one letter missing
    default:
      return `${fold(r.first_name)} ${last.slice(0, 3)}`; // first name + start of the last
  }
});

const appUrl = new URL(env.databaseUrl);
appUrl.username = 'elevate_app';
appUrl.password = 'elevate_app';
const app = new pg.Client({ connectionString: appUrl.toString() });
await app.connect();

const prefixQuery = (q: string) =>
  q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => `${w}:*`)
    .join(' & ');
const METHODS: Record<string, { sql: string; params: (q: string) => unknown[] }> = {
  'fts-rls': {
    sql: `select t.id, ts_rank(t.search, to_tsquery('simple', $2)) as rank from crm_contact t
      where t.tenant_id = $1 and t.search @@ to_tsquery('simple', $2) order by rank desc, t.name, t.id limit 5`,
    params: (q) => [big.id, prefixQuery(q)],
  },
  'trgm-rls': {
    sql: `select t.id from crm_contact t
      where t.tenant_id = $1 and $2::text <% t.search_norm
        and (select bool_and(w <% t.search_norm) from unnest($3::text[]) w)
      order by (select sum(word_similarity(w, t.search_norm)) from unnest($3::text[]) w) desc, t.name, t.id limit 5`,
    params: (q) => [big.id, searchTerms(q)[0], searchTerms(q)],
  },
  function: {
    sql: `select s.id, s.score, t.name from crm_search_contacts($1::text[], null, null, 5) s
      join crm_contact t on t.tenant_id = $2 and t.id = s.id order by s.score desc`,
    params: (q) => [searchTerms(q), big.id],
  },
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};
const slowest = (ms: number[]) =>
  ms
    .map((m, i) => [m, queries[i]] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 3)
    .map(([m, q]) => `"${q}" ${m.toFixed(0)} ms`)
    .join(', ');
const report = (name: string, ms: number[], hits: number) =>
  console.log(
    `${name.padEnd(10)} n=${ms.length} p50=${pct(ms, 50).toFixed(1)} ms p95=${pct(ms, 95).toFixed(1)} ms max=${Math.max(...ms).toFixed(1)} ms  queries with a hit: ${hits}/${ms.length}; slowest: ${slowest(ms)}`,
  );

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const skip = new Set((process.env.SKIP ?? '').split(','));
for (const [name, m] of Object.entries(METHODS)) {
  if (skip.has(name)) continue;
  const ms: number[] = [];
  let hits = 0;
  // One warm-up round, not counted.
  for (const [round, list] of [queries.slice(0, 5), queries].entries()) {
    for (const q of list) {
      await app.query('begin read only');
      await app.query(`select set_config('app.tenant_id', $1, true)`, [big.id]);
      const t0 = performance.now();
      const res = await app.query(m.sql, m.params(q));
      const took = performance.now() - t0;
      await app.query('rollback');
      if (round === 1) {
        ms.push(took);
        if (res.rowCount) hits++;
      }
    }
  }
  report(name, ms, hits);
}

// End to end: the kernel's route, every crm provider (contacts, companies, leads, opportunities).
{
  const ms: number[] = [];
  let hits = 0;
  for (const [round, list] of [queries.slice(0, 5), queries].entries()) {
    for (const q of list) {
      const t0 = performance.now();
      const res = await big.client.get(`/api/v1/core/search?q=${encodeURIComponent(q)}`);
      const took = performance.now() - t0;
      if (res.status !== 200) throw new Error(`search answered ${res.status}`);
      if (round === 1) {
        ms.push(took);
        if (res.body.groups.length) hits++;
      }
    }
  }
  report('api', ms, hits);
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

// The plans, for one typo query.
const q = queries[2] ?? 'mulr';
console.log(`\nEXPLAIN ANALYZE, query "${q}"`);
for (const name of ['fts-rls', 'trgm-rls'] as const) {
  const m = METHODS[name];
  if (!m) continue;
  await app.query('begin read only');
  await app.query(`select set_config('app.tenant_id', $1, true)`, [big.id]);
  const plan = await app.query(`explain (analyze, costs off) ${m.sql}`, m.params(q));
  await app.query('rollback');
  console.log(`-- ${name} (app role, forced RLS)\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
}
// Inside the function: its ranking statement as the owner runs it (no RLS; the tenant rule in the WHERE).
const owner2 = new pg.Client({ connectionString: env.databaseUrl });
await owner2.connect();
await owner2.query('begin');
await owner2.query(`set local pg_trgm.word_similarity_threshold = 0.5`);
const terms = searchTerms(q);
const matches = terms.map((_, i) => ` and ($2::text[])[${i + 1}] <% t.search_norm`).join('');
const score = terms
  .map(
    (_, i) =>
      `word_similarity(($2::text[])[${i + 1}], core_search_norm(coalesce(t.name, ''))) * 2 + word_similarity(($2::text[])[${i + 1}], t.search_norm)`,
  )
  .join(' + ');
const inner = await owner2.query(
  `explain (analyze, costs off) select t.id, (${score})::real as score
     from (select t.id, t.tenant_id, t.search_norm, t.name from crm_contact t where t.tenant_id = $1${matches} limit 500) t
     order by score desc, t.name, t.id limit 5`,
  [big.id, terms],
);
await owner2.query('rollback');
console.log(`-- function (its statement, as the owner)\n${inner.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
await owner2.end();
await app.end();
await env.close();
