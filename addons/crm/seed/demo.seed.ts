import type { SystemContext } from '@elevate/sdk';
import { Activity, Note } from '../src/models/activity.model.ts';
import { Contact } from '../src/models/contact.model.ts';
import { Lead } from '../src/models/lead.model.ts';
import { Opportunity } from '../src/models/opportunity.model.ts';
import { Pipeline, Stage } from '../src/models/pipeline.model.ts';
import { ContactTag, Tag } from '../src/models/tag.model.ts';

const COMPANIES = [
  ['Acme Corporation', 'acme.example', 'Springfield', 'US'],
  ['Globex', 'globex.example', 'Cypress Creek', 'US'],
  ['Initech', 'initech.example', 'Austin', 'US'],
  ['Umbrella Health', 'umbrella.example', 'Raccoon City', 'US'],
  ['Hooli', 'hooli.example', 'Palo Alto', 'US'],
  ['Wonka Foods', 'wonka.example', 'London', 'GB'],
  ['Nakatomi Trading', 'nakatomi.example', 'Los Angeles', 'US'],
  ['Vandelay Industries', 'vandelay.example', 'New York', 'US'],
] as const;
const PEOPLE = [
  ['Ada', 'Lovelace', 'CTO'],
  ['Grace', 'Hopper', 'Head of Engineering'],
  ['Alan', 'Turing', 'Researcher'],
  ['Katherine', 'Johnson', 'Procurement Lead'],
  ['Linus', 'Torvalds', 'IT Manager'],
  ['Margaret', 'Hamilton', 'VP Operations'],
  ['Tim', 'Berners-Lee', 'Product Owner'],
  ['Barbara', 'Liskov', 'Architect'],
  ['Donald', 'Knuth', 'Finance Director'],
  ['Radia', 'Perlman', 'Network Lead'],
  ['Ken', 'Thompson', 'Buyer'],
  ['Frances', 'Allen', 'COO'],
  ['Dennis', 'Ritchie', 'Office Manager'],
  ['Hedy', 'Lamarr', 'Marketing Director'],
  ['John', 'McCarthy', 'Analyst'],
  ['Annie', 'Easley', 'Account Manager'],
] as const;
const DEALS = [
  ['Acme renewal 2027', 0, 0, '18000.00'],
  ['Globex rollout', 1, 2, '42000.00'],
  ['Initech support plan', 2, 1, '9500.00'],
  ['Umbrella pilot', 3, 0, '12000.00'],
  ['Hooli enterprise', 4, 3, '120000.00'],
  ['Wonka seasonal', 5, 1, '7800.00'],
  ['Nakatomi expansion', 6, 2, '56000.00'],
  ['Vandelay import tools', 7, 3, '23000.00'],
] as const;

/** Sample companies, people, tags, deals on the board, leads and activities for the demo tenant. */
export async function seedDemoData(ctx: SystemContext, ownerId: string): Promise<void> {
  const db = ctx.db;
  const tags = [];
  for (const [name, color] of [
    ['VIP', 'purple'],
    ['Partner', 'blue'],
    ['Newsletter', 'green'],
    ['Churn risk', 'red'],
  ] as const) {
    tags.push(await db.repo(Tag).insert({ name, color }));
  }
  const companies = [];
  for (const [name, domain, city, country] of COMPANIES) {
    companies.push(
      await db.repo(Contact).insert({
        kind: 'company',
        name,
        website: `https://${domain}`,
        email: `hello@${domain}`,
        city,
        country,
        source: 'demo',
        ownerId,
      }),
    );
  }
  const people = [];
  for (const [i, [first, last, title]] of PEOPLE.entries()) {
    const company = companies[i % companies.length];
    const domain = COMPANIES[i % COMPANIES.length]?.[1] ?? 'example.com';
    const person = await db.repo(Contact).insert({
      kind: 'person',
      name: `${first} ${last}`,
      firstName: first,
      lastName: last,
      email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}@${domain}`,
      jobTitle: title,
      company: company?.id ?? null,
      city: company?.city ?? null,
      country: company?.country ?? null,
      source: 'demo',
      ownerId,
    });
    people.push(person);
    const tag = tags[i % tags.length];
    if (tag && i % 3 !== 2) await db.repo(ContactTag).insert({ contact: person.id, tag: tag.id });
  }
  const [pipeline] = await db.repo(Pipeline).find({ where: { isDefault: true }, limit: 1 });
  if (!pipeline) return;
  const stages = await db.repo(Stage).find({ where: { pipeline: pipeline.id }, orderBy: [{ field: 'position' }] });
  const open = stages.filter((s) => s.kind === 'open');
  const positions = new Map<string, number>();
  for (const [title, companyIndex, stageIndex, value] of DEALS) {
    const stage = open[stageIndex] ?? open[0];
    if (!stage) continue;
    const position = positions.get(stage.id) ?? 0;
    positions.set(stage.id, position + 1);
    await db.repo(Opportunity).insert({
      title,
      contact: people[companyIndex]?.id ?? null,
      pipeline: pipeline.id,
      stage: stage.id,
      position,
      value,
      currency: 'USD',
      probability: stage.probability,
      expectedCloseDate: new Date(Date.now() + (stageIndex + 1) * 12 * 86_400_000).toISOString().slice(0, 10),
      ownerId,
    });
  }
  const won = stages.find((s) => s.kind === 'won');
  if (won) {
    await db.repo(Opportunity).insert({
      title: 'Initech onboarding (closed)',
      contact: people[2]?.id ?? null,
      pipeline: pipeline.id,
      stage: won.id,
      value: '15000.00',
      currency: 'USD',
      probability: 100,
      status: 'won',
      closedAt: new Date().toISOString(),
      ownerId,
    });
  }
  for (const [i, [title, status, source]] of [
    ['Website enquiry: bulk licences', 'new', 'website'],
    ['Trade show contact', 'contacted', 'event'],
    ['Referral from Globex', 'qualified', 'referral'],
    ['Newsletter sign-up', 'new', 'newsletter'],
    ['Cold call follow-up', 'contacted', 'outbound'],
  ].entries()) {
    await db.repo(Lead).insert({
      title: title as string,
      contactName: `Prospect ${i + 1}`,
      companyName: `Prospect Co ${i + 1}`,
      email: `prospect${i + 1}@prospects.example`,
      status: status as 'new',
      source: source as string,
      value: `${(i + 1) * 2500}.00`,
      currency: 'USD',
      ownerId,
    });
  }
  const day = 86_400_000;
  for (const [i, [kind, subject, offsetDays]] of [
    ['call', 'Call about the renewal', -2],
    ['meeting', 'Quarterly review', 0],
    ['email', 'Send the proposal', 1],
    ['task', 'Prepare the contract', 3],
    ['meeting', 'Kick-off workshop', 7],
  ].entries()) {
    await db.repo(Activity).insert({
      kind: kind as 'call',
      subject: subject as string,
      dueAt: new Date(Date.now() + (offsetDays as number) * day).toISOString(),
      contact: people[i]?.id ?? null,
      ownerId,
    });
  }
  if (people[0]) {
    await db
      .repo(Note)
      .insert({ body: 'Prefers email; decision expected next quarter.', contact: people[0].id, ownerId });
  }
}
