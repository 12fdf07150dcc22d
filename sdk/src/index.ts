export { Migration } from '@mikro-orm/migrations';
export {
  type AddonDef,
  type AddonInput,
  type AnyAddon,
  type DataStep,
  type Dependency,
  defineAddon,
  dependsOn,
  type InstallContext,
  type LifecycleHooks,
  type Manifest,
  type MigrationClass,
  type SettingsDef,
} from './addon.ts';
export {
  type ActionContext,
  type ActionDef,
  type ActionRunInfo,
  type ActionState,
  type ActionStep,
  type AnyAction,
  defineAction,
  defineTrigger,
  fillTemplate,
  isTemplate,
  type TriggerDef,
  type TriggerSpec,
  type WorkflowDef,
} from './automation.ts';
export {
  CONDITION_OPS,
  type ConditionExpr,
  type ConditionLeaf,
  type ConditionOp,
  type ConditionScope,
  checkCondition,
  conditionSchema,
  decimalCompare,
  evaluateCondition,
  type JsonValue,
  readPath,
} from './automation-conditions.ts';
export {
  defineStep,
  defineStepHook,
  defineSteps,
  hook,
  joinHook,
  runSteps,
  type StepDef,
  type StepHook,
  type StepsDef,
  type StepTrace,
} from './automation-steps.ts';
export type {
  AuditLog,
  AuditRecord,
  Condition,
  FindOptions,
  LoaderFactory,
  Logger,
  OrderBy,
  RecordRules,
  Repository,
  RequestActor,
  RequestContext,
  SystemContext,
  TenantDb,
  TenantInfo,
  UserInfo,
  Where,
} from './context.ts';
export { createModelTableSql, dropModelTableSql, TENANT_SETTING, tenantPolicySql } from './ddl.ts';
export {
  appliedModelExtensions,
  applyModelExtensions,
  CURRENT_TENANT_SQL,
  type EmScope,
  type EntityRow,
  emScope,
  entitySchemaOf,
  entitySchemasOf,
  pivotSchemasOf,
  pivotTableOf,
  rowOf,
} from './entity.ts';
export {
  AppError,
  ConflictError,
  type ErrorDetail,
  ForbiddenError,
  NotFoundError,
  ServiceError,
  UnauthenticatedError,
  ValidationError,
} from './errors.ts';
export {
  defineEvent,
  type EventDef,
  type EventPublisher,
  type PublishedEvent,
  type SubscriberDef,
  subscribe,
} from './events.ts';
export {
  type Contribution,
  contribute,
  defineExtensionPoint,
  type ExtensionPoint,
  type Extensions,
} from './extensions.ts';
export type { ElevateSchemaTypes, GraphQLBuilder, GraphQLFragment } from './graphql.ts';
export {
  defineJob,
  defineSchedule,
  type EnqueueOptions,
  type JobContext,
  type JobDef,
  type JobEnqueuer,
  type ScheduleDef,
  type ScheduleTiming,
} from './jobs.ts';
export type { Mailer, MailMessage } from './mail.ts';
export {
  type AnyModel,
  columnName,
  defineModel,
  type ExtensionRow,
  extendModel,
  extensionOwnerOf,
  extensionsOf,
  type FieldDef,
  f,
  fieldColumn,
  fieldsWith,
  type ModelDef,
  type ModelExtension,
  type ModelPrivacy,
  modelColumns,
  type NewRow,
  type Patch,
  type RelationDef,
  type Row,
  rel,
  selectList,
} from './model.ts';
export type { NotificationMessage, Notifier } from './notifications.ts';
export {
  allows,
  definePermissions,
  type Grant,
  type PermissionDef,
  type Permissions,
  parseGrant,
  permissionMatches,
  type RecordScope,
  SEEDED_ROLES,
  type SeededRole,
  widestScope,
} from './permissions.ts';
export { resourceGraphql } from './resource/resource.graphql.ts';
export { resourceRoutes } from './resource/resource.rest.ts';
export {
  defineResource,
  type ListArgs,
  type Operation,
  type ResourceDef,
  type ResourceHooks,
  type ResourceOptions,
  type ResourcePage,
  type ResourceSchemas,
} from './resource/resource.ts';
export { createSchema, fieldSchema, idsKey, patchSchema, rowSchema, schemaTitle } from './resource/schemas.ts';
export {
  type JsonSchema,
  type Page,
  paginationQuery,
  type RestFragment,
  type RestRequest,
  type RestRouter,
  type RouteDef,
  type RouteOptions,
  type Shaped,
  shapedFor,
} from './rest.ts';
export {
  defineService,
  provide,
  provideValue,
  type ServiceProvider,
  type Services,
  type ServiceToken,
} from './services.ts';
export { validationMessage } from './validation-message.ts';
