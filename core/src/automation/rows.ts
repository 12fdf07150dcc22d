import type { ActionStep, ConditionExpr, TriggerSpec } from '@elevate/sdk';

export interface RuleRow {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  trigger: TriggerSpec;
  conditions: ConditionExpr | null;
  actions: ActionStep[];
  ownerId: string;
  signingSecret: string;
  cursorAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a run was started with: conditions and `{{variables}}` read it. */
export interface RunTrigger {
  payload: unknown;
  model: string | null;
  recordId: string | null;
  record: Record<string, unknown> | null;
  changes: string[];
  occurredAt: string;
}

export interface RunRow {
  id: string;
  ruleId: string;
  eventKey: string;
  eventName: string;
  trigger: RunTrigger;
  depth: number;
  status: 'queued' | 'ready' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'stopped';
  position: number;
  attempt: number;
  reason: string | null;
  error: string | null;
  failedStep: string | null;
  startSeq: string | null;
  resumeAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const RULE_COLUMNS = `id, name, description, enabled, trigger, conditions, actions, owner_id as "ownerId",
  signing_secret as "signingSecret",
  created_at as "createdAt", updated_at as "updatedAt"`;

export const RUN_COLUMNS = `id, rule_id as "ruleId", event_key as "eventKey", event_name as "eventName", trigger, depth,
  status, position, attempt, reason, error, failed_step as "failedStep", start_seq::text as "startSeq",
  resume_at as "resumeAt", created_at as "createdAt", started_at as "startedAt", finished_at as "finishedAt"`;
