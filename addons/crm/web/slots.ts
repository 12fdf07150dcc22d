// The places on crm's pages other addons fill (package export "./web/slots"): a sales panel on the
// contact and company pages, a "Create quote" button on the opportunity. An addon that depends on crm
// imports these and lists `fill(crmSlots.<slot>, {...})` in its web entry's `slots`; crm's pages ask
// for the fills in their loads and render them with `<Slot>`.
import { defineSlot } from '@elevate/sdk/web';
import type { Contact, Opportunity } from './types.ts';

export const crmSlots = {
  /** Panels in the main column of a person's page (beside notes, activities and the timeline). */
  contactPanels: defineSlot<{ contact: Contact }>('crm.contact.panels'),
  /** Panels in the main column of a company's page. */
  companyPanels: defineSlot<{ company: Contact }>('crm.company.panels'),
  /** Buttons or links in the opportunity's header, beside Edit. */
  opportunityActions: defineSlot<{ opportunity: Opportunity; contact: Contact | null }>('crm.opportunity.actions'),
  /** Panels in the opportunity's main column (above its activities). */
  opportunityPanels: defineSlot<{ opportunity: Opportunity; contact: Contact | null }>('crm.opportunity.panels'),
};
