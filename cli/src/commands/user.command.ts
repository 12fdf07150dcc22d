import { SEEDED_ROLES } from '@elevate/sdk/permissions';
import { type Command, Option } from 'commander';
import { print } from '../output.ts';
import { type Kernel, tenantBySlug, withKernel } from '../runtime.ts';

type Role = Parameters<Kernel['users']['create']>[1]['role'];
// The roles every tenant is seeded with (one list, in the SDK).
const ROLES: readonly Role[] = SEEDED_ROLES;

interface CreateOptions {
  tenant: string;
  email: string;
  password: string;
  name?: string;
  role: Role;
}

async function create(opts: CreateOptions): Promise<void> {
  await withKernel(async (kernel) => {
    const tenant = await tenantBySlug(kernel, opts.tenant);
    const user = await kernel.users.create(tenant.id, {
      email: opts.email,
      password: opts.password,
      role: opts.role,
      ...(opts.name === undefined ? {} : { name: opts.name }),
    });
    print(`Created ${opts.role} ${user.email} in tenant "${tenant.slug}", id ${user.id}.`);
  });
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description("manage a tenant's users");
  user
    .command('create')
    .description('create a user in a tenant with a role')
    .requiredOption('--tenant <slug>', 'the tenant the user belongs to')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--password <password>', 'initial password')
    .option('--name <name>', 'full name')
    .addOption(new Option('--role <role>', 'role in the tenant').choices(ROLES).default('member'))
    .addHelpText(
      'after',
      `
Examples:
  $ elevate user create --tenant acme --email bob@acme.test --password 'hunter2hunter2' --name "Bob" --role admin`,
    )
    .action(create);
}
