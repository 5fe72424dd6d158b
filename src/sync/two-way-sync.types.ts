import type { CalendarAccess, TimeWindow } from '../providers/calendar-provider';
import type { ProviderName } from '../providers/provider-errors';

/**
 * The contract between the Connections runner (src/connections: connection rows, access,
 * mutex, status) and the two-way sync engine (src/sync: CRM store ⇄ one provider calendar).
 */

/** Which calendar a CRM event is bound to, and through what. */
export interface TwoWayBinding {
  connectionId: number | null;
  delegationCredentialId: string | null;
  mailbox: string | null;
  calendarId: string;
}

export interface TwoWayTarget {
  binding: TwoWayBinding;
  provider: ProviderName;
  access: CalendarAccess;
}

export interface TwoWaySyncRequest {
  tenantId: string;
  userId: number;
  /** The connection's calendar: pulled from, and pushed to for the rows bound to it. */
  here: TwoWayTarget;
  /** Null: full listing. */
  cursor: string | null;
  window: TimeWindow;
  /** Applied to floating times read from the provider. */
  timeZone: string;
  /** Where CRM events not yet written anywhere go (the destination calendar, else `here`). */
  newEvents: TwoWayTarget;
  /** Whether this sync pushes the changes of rows with that binding. */
  pushes(binding: TwoWayBinding): boolean;
  /** Access for a binding this sync pushes to (null: unreachable now; those rows wait). */
  resolve(binding: TwoWayBinding): Promise<TwoWayTarget | null>;
}

export interface TwoWaySyncResult {
  cursor: string;
  fullScan: boolean;
  /** Provider changes applied to the store. */
  created: number;
  updated: number;
  deleted: number;
  /** CRM changes written to providers. */
  pushed: number;
  /** Pushes that failed per event (retried by the next sync). */
  failed: number;
  conflicts: number;
}

/** A binding's identity, for grouping and comparing. */
export function bindingKey(binding: TwoWayBinding): string {
  return binding.connectionId !== null ? `c:${binding.connectionId}:${binding.calendarId}` : `d:${binding.delegationCredentialId}:${binding.mailbox}:${binding.calendarId}`;
}
