import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../common/config/app-config';
import { ConnectionAccessService } from '../connections/connection-access.service';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import type { ConnectionEntity } from '../database/entities/connection.entity';
import type { DestinationCalendarEntity, DestinationIntegration } from '../database/entities/destination-calendar.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { DestinationCalendarsRepository } from '../database/repositories/destination-calendars.repository';
import type { CalendarAccess, CalendarInfo } from '../providers/calendar-provider';
import { isProviderError, ProviderError, ProviderName } from '../providers/provider-errors';
import { ProviderRegistry } from '../providers/provider-registry';
import { DelegationAccessService, domainOf, providerNameOf } from '../tenancy/delegation-access.service';
import { TenancyService } from '../tenancy/tenancy.service';
import { validateDestinationRequest } from './destination-calendar-request.validator';
import { INTEGRATION_OF, PROVIDER_OF, WriteTarget } from './destination-calendars.types';
import type {
  CalendarDto,
  ConnectedCalendarDto,
  ConnectedCalendarsDataDto,
  CurrentDestinationDataDto,
  DestinationCalendarsOutputDataDto,
  DestinationCalendarViewDto,
} from './dto/destination-calendars.dto';

/** Where a user's calendars come from: one of their own connections, or the organisation's delegation for their mailbox. */
type CalendarSource =
  | { kind: 'connection'; provider: ProviderName; email: string; connection: ConnectionEntity }
  | { kind: 'delegation'; provider: ProviderName; email: string; credentialId: string };

const INTEGRATION_META: Record<DestinationIntegration, { slug: string; title: string }> = {
  google_calendar: { slug: 'google-calendar', title: 'Google Calendar' },
  office365_calendar: { slug: 'office365-calendar', title: 'Outlook Calendar' },
  apple_calendar: { slug: 'apple-calendar', title: 'Apple Calendar' },
};

/** What a listing failure says to the caller: the provider's own text may name internals. */
const LISTING_FAILURES: Partial<Record<string, string>> = {
  AUTH_REVOKED: 'The calendar account no longer grants access: reconnect it',
  PERMISSION_DENIED: 'The calendar account does not allow listing its calendars',
  MAILBOX_NOT_FOUND: 'The mailbox was not found at the calendar provider',
  NOT_FOUND: 'The mailbox was not found at the calendar provider',
};
const LISTING_FAILURE_DEFAULT = 'The calendar provider could not be reached: retry later';

/**
 * DestinationCalendars (seed 003, cal.com API v2): a user lists the calendars they can reach
 * (their own connections, and their own mailbox through the organisation's delegation) and picks
 * the one that receives new CRM events. `writeTarget` is how the CRM event store writes there.
 */
@Injectable()
export class DestinationCalendarsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly destinations: DestinationCalendarsRepository,
    private readonly connectionAccess: ConnectionAccessService,
    private readonly delegationAccess: DelegationAccessService,
    private readonly tenancy: TenancyService,
    private readonly registry: ProviderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `GET /v2/calendars`: every source listed at once; one failing source is reported in its entry, not as a failed request. */
  async listCalendars(tenantId: string, userId: number): Promise<ConnectedCalendarsDataDto> {
    const sources = await this.sources(tenantId, userId);
    const connectedCalendars = await Promise.all(sources.map((source) => this.connectedCalendar(tenantId, source)));
    const choice = await this.destinations.find(tenantId, userId);
    return { connectedCalendars, destinationCalendar: choice ? destinationView(choice, sources, connectedCalendars) : null };
  }

  /** `PUT /v2/destination-calendars`: the calendar must be one the user can write to through the named source. */
  async choose(tenantId: string, userId: number, body: unknown): Promise<DestinationCalendarsOutputDataDto> {
    const request = validateDestinationRequest(body);
    const provider = PROVIDER_OF[request.integration];
    const notFound = () => new DomainException(ErrorCode.NotFound, `Could not find calendar ${request.externalId}`, 404);
    const sources = await this.sources(tenantId, userId);
    const source = sources.find((candidate) =>
      request.delegationCredentialId === null
        ? candidate.kind === 'connection' && candidate.provider === provider
        : candidate.kind === 'delegation' && candidate.provider === provider && candidate.credentialId === request.delegationCredentialId,
    );
    if (!source) throw notFound();
    const calendars = await this.calendarsOf(tenantId, source).catch((error: unknown) => {
      if (isProviderError(error) && error.retryable) {
        throw new DomainException(ErrorCode.ServiceUnavailable, `Could not list the ${request.integration} calendars: retry later`, 503);
      }
      if (isProviderError(error)) throw notFound();
      throw error;
    });
    const calendar = calendars.find((candidate) => sameCalendarId(provider, candidate.id, request.externalId));
    // As cal.com: a read-only calendar is not among the candidates, so it is "not found" too.
    if (!calendar || calendar.readOnly) throw notFound();
    const saved = await this.destinations.set(tenantId, userId, {
      integration: request.integration,
      externalId: calendar.id,
      connectionId: source.kind === 'connection' ? source.connection.id : null,
      delegationCredentialId: source.kind === 'delegation' ? source.credentialId : null,
      mailbox: source.kind === 'delegation' ? source.email : null,
    });
    return { userId: saved.userId, integration: saved.integration, externalId: saved.externalId, credentialId: saved.connectionId };
  }

  /** `GET /v2/destination-calendars`: the current choice, or null. */
  async current(tenantId: string, userId: number): Promise<CurrentDestinationDataDto | null> {
    const choice = await this.destinations.find(tenantId, userId);
    if (!choice) return null;
    return {
      userId: choice.userId,
      integration: choice.integration,
      externalId: choice.externalId,
      credentialId: choice.connectionId,
      delegationCredentialId: choice.delegationCredentialId,
    };
  }

  /**
   * Where the user's new CRM events go: the chosen calendar with an unsealed access, or null when
   * none is chosen or the choice no longer holds (its connection is gone, or the organisation no
   * longer delegates the user's domain through that credential).
   */
  async writeTarget(tenantId: string, userId: number): Promise<WriteTarget | null> {
    const choice = await this.destinations.find(tenantId, userId);
    if (!choice) return null;
    const provider = PROVIDER_OF[choice.integration];
    const base = { provider, calendarId: choice.externalId, integration: choice.integration };
    if (choice.connectionId !== null) {
      const connection = await this.connections.findById(tenantId, userId, choice.connectionId);
      return connection ? { ...base, access: this.connectionAccess.accessFor(connection) } : null;
    }
    const delegated = (await this.sources(tenantId, userId)).find(
      (source) => source.kind === 'delegation' && source.credentialId === choice.delegationCredentialId && source.email === choice.mailbox,
    );
    if (!delegated || choice.delegationCredentialId === null) return null;
    return { ...base, access: await this.delegationAccess.accessFor(tenantId, choice.delegationCredentialId, delegated.email) };
  }

  private async sources(tenantId: string, userId: number): Promise<CalendarSource[]> {
    const [connections, user, domains] = await Promise.all([
      this.connections.listForUser(tenantId, userId),
      this.tenancy.findUser(tenantId, userId),
      this.tenancy.listDomains(tenantId),
    ]);
    const sources: CalendarSource[] = connections
      .filter((connection) => this.registry.has(connection.provider))
      .map((connection) => ({ kind: 'connection', provider: connection.provider, email: connection.accountEmail, connection }));
    const email = user?.email?.toLowerCase();
    const delegation = email ? domains.find((candidate) => candidate.domain === domainOf(email)) : undefined;
    if (email && delegation && this.registry.has(providerNameOf(delegation.provider))) {
      sources.push({ kind: 'delegation', provider: providerNameOf(delegation.provider), email, credentialId: delegation.delegationCredentialId });
    }
    return sources;
  }

  private async accessOf(tenantId: string, source: CalendarSource): Promise<CalendarAccess> {
    return source.kind === 'connection'
      ? this.connectionAccess.accessFor(source.connection)
      : this.delegationAccess.accessFor(tenantId, source.credentialId, source.email);
  }

  /**
   * One account's calendars, within the listing deadline: the drivers retry a provider that is down
   * for several seconds per call, and one such account must not hold up the whole answer. Past the
   * deadline the account counts as unreachable (a retryable TEMPORARY error); the driver's call is
   * left to finish on its own, its outcome ignored.
   */
  private async calendarsOf(tenantId: string, source: CalendarSource): Promise<CalendarInfo[]> {
    const access = await this.accessOf(tenantId, source);
    const listing = this.registry.get(source.provider).listCalendars(access);
    const timeoutMs = this.config.destinationCalendars.listingTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new ProviderError('TEMPORARY', `Listing the calendars took longer than ${timeoutMs} ms`, { provider: source.provider })),
        timeoutMs,
      );
    });
    listing.catch(() => undefined);
    try {
      return await Promise.race([listing, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async connectedCalendar(tenantId: string, source: CalendarSource): Promise<ConnectedCalendarDto> {
    const integration = INTEGRATION_OF[source.provider];
    const credentialId = source.kind === 'connection' ? source.connection.id : null;
    const delegationCredentialId = source.kind === 'delegation' ? source.credentialId : null;
    const entry = { integration: { type: integration, ...INTEGRATION_META[integration] }, credentialId, delegationCredentialId };
    let listed: CalendarInfo[];
    try {
      listed = await this.calendarsOf(tenantId, source);
    } catch (error) {
      if (!isProviderError(error)) throw error;
      return { ...entry, calendars: [], error: listingFailure(error) };
    }
    const primaryId = source.kind === 'connection' ? source.connection.calendarId : null;
    const calendars: CalendarDto[] = listed.map((info) => ({
      externalId: info.id,
      integration,
      name: info.name,
      primary: info.primary || (primaryId !== null && sameCalendarId(source.provider, info.id, primaryId)),
      readOnly: info.readOnly,
      email: source.email,
      credentialId,
      delegationCredentialId,
    }));
    const primary = calendars.find((calendar) => calendar.primary);
    return { ...entry, ...(primary ? { primary } : {}), calendars };
  }
}

function listingFailure(error: ProviderError): { code: string; message: string } {
  return { code: error.kind, message: LISTING_FAILURES[error.kind] ?? LISTING_FAILURE_DEFAULT };
}

/** The choice as cal.com's GET /calendars shows it, named from the listing (sources and listed are in the same order). */
function destinationView(choice: DestinationCalendarEntity, sources: CalendarSource[], listed: ConnectedCalendarDto[]): DestinationCalendarViewDto {
  const provider = PROVIDER_OF[choice.integration];
  const index = sources.findIndex((source) =>
    choice.connectionId !== null
      ? source.kind === 'connection' && source.connection.id === choice.connectionId
      : source.kind === 'delegation' && source.credentialId === choice.delegationCredentialId,
  );
  const calendar = index < 0 ? undefined : listed[index].calendars.find((candidate) => sameCalendarId(provider, candidate.externalId, choice.externalId));
  return {
    integration: choice.integration,
    externalId: choice.externalId,
    primaryEmail: choice.mailbox ?? (index < 0 ? null : sources[index].email),
    userId: choice.userId,
    credentialId: choice.connectionId,
    delegationCredentialId: choice.delegationCredentialId,
    name: calendar?.name ?? null,
  };
}

/** CalDAV collection URLs name the same collection with or without the trailing slash; other ids compare exactly. */
export function sameCalendarId(provider: ProviderName, a: string, b: string): boolean {
  if (provider !== 'caldav') return a === b;
  return withoutTrailingSlashes(a) === withoutTrailingSlashes(b);
}

/** A loop, not a regex: the id comes from the request body. */
function withoutTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return value.slice(0, end);
}
