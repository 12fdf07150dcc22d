import type { WorkflowDef } from '@elevate/sdk';
import { addTagAction } from './add-tag.action.ts';
import { assignOwnerAction } from './assign-owner.action.ts';
import { createActivityAction } from './create-activity.action.ts';
import { createLeadAction } from './create-lead.action.ts';
import { moveStageAction } from './move-stage.action.ts';
import { crmTriggers } from './triggers.ts';

/** What crm offers the automation engine (docs/automation.md). */
export const crmWorkflows: WorkflowDef[] = [
  ...crmTriggers,
  createActivityAction,
  createLeadAction,
  assignOwnerAction,
  addTagAction,
  moveStageAction,
];
