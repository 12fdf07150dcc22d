import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { formatTable, listOrDash, print, yesNo } from '../output.ts';
import { tenantBySlug, withKernel } from '../runtime.ts';

interface TenantOption {
  tenant: string;
}

async function list(opts: TenantOption): Promise<void> {
  await withKernel(async (kernel) => {
    const tenant = await tenantBySlug(kernel, opts.tenant);
    const addons = await kernel.tenantAddons.list(tenant.id);
    const rows = addons.map((a) => [
      a.id,
      a.version,
      yesNo(a.enabled),
      a.tenantVersion ?? '-',
      listOrDash(a.depends.map((d) => `${d.id} ${d.range}`)),
      listOrDash(a.requiredBy),
    ]);
    print(formatTable(['id', 'version', 'enabled', 'tenant version', 'depends', 'required by'], rows));
    if (!rows.length) print('(no addons installed)');
  });
}

async function enable(id: string, opts: TenantOption): Promise<void> {
  await withKernel(async (kernel) => {
    const tenant = await tenantBySlug(kernel, opts.tenant);
    const { enabled } = await kernel.tenantAddons.enable(tenant.id, id);
    print(
      enabled.length
        ? `Enabled for "${tenant.slug}": ${enabled.join(', ')}.`
        : `"${id}" was already enabled for "${tenant.slug}".`,
    );
  });
}

async function disable(id: string, opts: TenantOption): Promise<void> {
  await withKernel(async (kernel) => {
    const tenant = await tenantBySlug(kernel, opts.tenant);
    await kernel.tenantAddons.disable(tenant.id, id);
    print(`Disabled "${id}" for "${tenant.slug}". Its data is kept; enabling it again brings it back.`);
  });
}

async function migration(id: string, opts: { name?: string }): Promise<void> {
  const { discoverAddonPackages, findWorkspaceRoot, generateMigration } = await import('@elevate/core');
  const extra = (process.env.ADDON_PATHS ?? '').split(',').filter(Boolean);
  const packages = await discoverAddonPackages(findWorkspaceRoot(), extra);
  const found = packages.find((p) => p.addon.id === id);
  if (!found) {
    const known = packages.map((p) => p.addon.id).sort();
    throw new CliError(`no addon "${id}" here${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  const dir = join(found.dir, 'migrations');
  const res = await generateMigration(found.addon, dir, opts.name);
  if (!res.file) {
    print(`"${id}": its models match migrations/.snapshot-${id}.json; no migration needed.`);
    return;
  }
  print(`Wrote ${relative(process.cwd(), res.file)} (${res.up.length} statements) and updated migrations/index.ts.`);
  print('Review it, then run `elevate migrate`.');
}

const TENANT = ['--tenant <slug>', 'the tenant (company) to act on'] as const;

export function registerAddonCommands(program: Command): void {
  const addon = program
    .command('addon')
    .description("list, enable and disable addons for a tenant; generate an addon's next migration");
  addon
    .command('list')
    .description('every installed addon: version, enabled for the tenant, dependencies, dependents')
    .requiredOption(...TENANT)
    .addHelpText('after', '\nExamples:\n  $ elevate addon list --tenant demo')
    .action(list);
  addon
    .command('enable')
    .description('enable an addon for a tenant (its dependencies are enabled first)')
    .argument('<id>', 'addon id, e.g. sales')
    .requiredOption(...TENANT)
    .addHelpText(
      'after',
      '\nExamples:\n  $ elevate addon enable sales --tenant acme   # also enables crm and inventory',
    )
    .action(enable);
  addon
    .command('disable')
    .description('disable an addon for a tenant; refused while an enabled addon depends on it; data is kept')
    .argument('<id>', 'addon id, e.g. sales')
    .requiredOption(...TENANT)
    .addHelpText('after', '\nExamples:\n  $ elevate addon disable sales --tenant acme')
    .action(disable);
  addon
    .command('migration')
    .description("diff an addon's models against its committed snapshot and write the next migration file")
    .argument('<id>', 'addon id, e.g. crm')
    .option('--name <words>', 'what the migration does, e.g. "add nickname" (part of the file name)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ elevate addon migration crm --name "add nickname"   # writes addons/crm/migrations/Migration0002CrmAddNickname.ts',
    )
    .action(migration);
}
