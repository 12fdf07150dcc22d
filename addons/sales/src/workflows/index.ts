import type { WorkflowDef } from '@elevate/sdk';
import { createOrderAction } from './create-order.action.ts';
import { sendInvoiceAction } from './send-invoice.action.ts';
import { salesTriggers } from './triggers.ts';

/** What sales offers the automation engine (docs/automation.md). */
export const salesWorkflows: WorkflowDef[] = [...salesTriggers, createOrderAction, sendInvoiceAction];
