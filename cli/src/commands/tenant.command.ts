import type { Command } from 'commander';
import { formatTable, print } from '../output.ts';
import { withKernel } from '../runtime.ts';

interface CreateOptions {
  slug: string;
  name: string;
  ownerEmail: string;
  ownerPassword: string;
  ownerName?: string;
}

async function create(opts: CreateOptions): Promise<void> {
  await withKernel(async (kernel) => {
    const { tenant, owner } = await kernel.tenants.create({
      slug: opts.slug,
      name: opts.name,
      ownerEmail: opts.ownerEmail,
      ownerPassword: opts.ownerPassword,
      ...(opts.ownerName === undefined ? {} : { ownerName: opts.ownerName }),
    });
    print(`Created tenant "${tenant.slug}" (${tenant.name}), id ${tenant.id}.`);
    print(`Owner: ${owner.email}`);
  });
}

async function list(): Promise<void> {
  await withKernel(async (kernel) => {
    const tenants = await kernel.tenants.list();
    if (!tenants.length) {
      print('No tenants yet. Create one with `elevate tenant create` or `elevate seed --demo`.');
      return;
    }
    print(
      formatTable(
        ['slug', 'name', 'id'],
        tenants.map((t) => [t.slug, t.name, t.id]),
      ),
    );
  });
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('create and list tenants (companies)');
  tenant
    .command('create')
    .description('create a tenant and its owner user')
    .requiredOption('--slug <slug>', 'short unique name, used at login and in URLs (e.g. acme)')
    .requiredOption('--name <name>', 'display name (e.g. "Acme Inc")')
    .requiredOption('--owner-email <email>', "the owner's email (login)")
    .requiredOption('--owner-password <password>', "the owner's password")
    .option('--owner-name <name>', "the owner's full name")
    .addHelpText(
      'after',
      `
Examples:
  $ elevate tenant create --slug acme --name "Acme Inc" \\
      --owner-email ada@acme.test --owner-password 'correct horse battery' --owner-name "Ada Lovelace"`,
    )
    .action(create);
  tenant
    .command('list')
    .description('list every tenant (slug, name, id)')
    .addHelpText('after', '\nExamples:\n  $ elevate tenant list')
    .action(list);
}
