export { appDatabaseUrl, type Config, ConfigError, loadConfig } from './config/config.ts';
export { createPools, type Pools } from './db/pools.ts';
export { checkTenantSchema } from './db/schema-check.ts';
export { type TenantTx, withTenant } from './db/tenant-tx.ts';
export { createKernel, DEMO, type KernelInternals, type KernelOptions, TOKENS } from './kernel.ts';
export type { AddonStatus, CreateTenantInput, Kernel, RoleKey } from './kernel-api.ts';
export type { Log } from './logger.ts';
export { discoverAddons, findWorkspaceRoot } from './registry/discover.ts';
export { resolveAddons } from './registry/resolve.ts';
