import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import type { CrmEventEntity } from '../database/entities/crm-event.entity';
import { ConnectionsRepository } from '../database/repositories/connections.repository';
import { CrmEventsRepository } from '../database/repositories/crm-events.repository';
import type { CrmEventFields } from '../database/repositories/crm-events.repository';
import { CrmOccurrenceRequest, validateCrmEvent, validateCrmEventShape, validationFailed } from './crm-event.validator';
import { isSeriesOccurrence, wallClockInSeries } from './crm-occurrence';
import { crmProviderOf } from './crm-provider-names';
import type { CrmEventPageView, CrmEventView } from './dto/crm-events.dto';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EventListQuery {
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

/** The CRM event store over HTTP: one user's events; another user's event is not found (404). */
@Injectable()
export class CrmEventsService {
  constructor(
    private readonly events: CrmEventsRepository,
    private readonly connections: ConnectionsRepository,
  ) {}

  async list(tenantId: string, userId: number, query: EventListQuery): Promise<CrmEventPageView> {
    const errors: { field: string; message: string }[] = [];
    const instant = (field: 'from' | 'to'): Date | undefined => {
      const value = query[field];
      if (value === undefined) return undefined;
      const parsed = typeof value === 'string' && value.length <= 64 && /^\d{4}-\d{2}-\d{2}(?:T[0-9:.]{5,18}(?:Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : null;
      if (!parsed || Number.isNaN(parsed.getTime())) {
        errors.push({ field, message: `${field} must be an ISO 8601 date or instant with offset (2026-03-01 or 2026-03-01T00:00:00Z)` });
        return undefined;
      }
      return parsed;
    };
    const from = instant('from');
    const to = instant('to');
    if (from && to && to.getTime() <= from.getTime()) errors.push({ field: 'to', message: 'to must be after from' });
    let limit = DEFAULT_PAGE_SIZE;
    if (query.limit !== undefined) {
      limit = typeof query.limit === 'string' && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : 0;
      if (limit < 1 || limit > MAX_PAGE_SIZE) errors.push({ field: 'limit', message: `limit must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) errors.push({ field: 'cursor', message: 'cursor must be a nextCursor this API returned' });
    if (errors.length > 0) throw validationFailed(errors);
    const page = await this.events.page(tenantId, userId, { from, to, limit, after: after ?? undefined });
    const views = await this.views(tenantId, userId, page.events);
    return { events: views, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  async get(tenantId: string, userId: number, id: string): Promise<CrmEventView> {
    const [view] = await this.views(tenantId, userId, [await this.require(tenantId, userId, id)]);
    return view;
  }

  async create(tenantId: string, userId: number, body: unknown): Promise<CrmEventView> {
    const { occurrence, ...fields } = validateCrmEvent(body);
    const exception = occurrence ? await this.exceptionOf(tenantId, userId, fields, occurrence) : null;
    const row = await this.events.create(tenantId, userId, fields, new Date(), exception);
    return this.get(tenantId, userId, row.id);
  }

  async update(tenantId: string, userId: number, id: string, body: unknown): Promise<CrmEventView> {
    validateCrmEventShape(body);
    const row = await this.require(tenantId, userId, id);
    const { occurrence: _none, ...fields } = validateCrmEvent(body, row);
    if (row.seriesId !== null && fields.recurrence.length > 0) throw validationFailed([{ field: 'recurrence', message: 'an exception (recurringEventId) is one occurrence: recurrence must be empty' }]);
    await this.events.updateFields(tenantId, userId, id, fields, new Date());
    return this.get(tenantId, userId, id);
  }

  /**
   * A new exception of one of the user's live series: `originalStart` (read in the exception's zone)
   * must start one of the series' occurrences, with no exception yet. Stored as the wall clock in
   * the exception's zone, as the sync stores imported ones.
   */
  private async exceptionOf(tenantId: string, userId: number, fields: CrmEventFields, occurrence: CrmOccurrenceRequest): Promise<{ seriesId: string; originalStart: string }> {
    const series = await this.events.findLive(tenantId, userId, occurrence.recurringEventId);
    if (!series || series.seriesId !== null || series.recurrence.length === 0) {
      throw validationFailed([{ field: 'recurringEventId', message: 'recurringEventId must be the id of one of your recurring events' }]);
    }
    const wall = wallClockInSeries(occurrence.originalStart, fields.timeZone, series.timeZone, series.allDay);
    if (!wall || !isSeriesOccurrence(series, wall)) {
      const shape = series.allDay ? 'a date (YYYY-MM-DD)' : 'a date-time';
      throw validationFailed([{ field: 'originalStart', message: `originalStart must be ${shape} on which one of the series' occurrences starts` }]);
    }
    const originalStart = series.allDay ? wall : (wallClockInSeries(wall, series.timeZone, fields.timeZone, false) as string);
    const existing = await this.events.findException(tenantId, userId, series.id, originalStart);
    if (existing) throw validationFailed([{ field: 'originalStart', message: `that occurrence already has an exception: ${existing.id}` }]);
    return { seriesId: series.id, originalStart };
  }

  async remove(tenantId: string, userId: number, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.events.deleteFromCrm(tenantId, userId, id, new Date()))) throw notFound(id);
  }

  private async require(tenantId: string, userId: number, id: string): Promise<CrmEventEntity> {
    const row = UUID.test(id) ? await this.events.findLive(tenantId, userId, id) : null;
    if (!row) throw notFound(id);
    return row;
  }

  private async views(tenantId: string, userId: number, rows: CrmEventEntity[]): Promise<CrmEventView[]> {
    const providers = new Map((await this.connections.listForUser(tenantId, userId)).map((connection) => [connection.id, crmProviderOf(connection.provider)]));
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      description: row.description,
      location: row.location,
      start: row.start,
      end: row.end,
      timeZone: row.timeZone,
      allDay: row.allDay,
      recurrence: row.recurrence,
      recurringEventId: row.seriesId,
      originalStart: row.originalStart,
      origin: row.origin,
      provider: row.connectionId !== null && row.providerEventId !== null ? (providers.get(row.connectionId) ?? null) : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    }));
  }
}

function notFound(id: string): DomainException {
  return new DomainException(ErrorCode.NotFound, `Event ${id.slice(0, 64)} not found`, 404);
}

function encodeCursor(position: { startAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ s: position.startAt.toISOString(), i: position.id })).toString('base64url');
}

/** Null when the cursor is not one we made. */
function decodeCursor(cursor: string): { startAt: Date; id: string } | null {
  if (typeof cursor !== 'string' || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; i?: unknown };
    const startAt = typeof parsed.s === 'string' ? new Date(parsed.s) : null;
    if (!startAt || Number.isNaN(startAt.getTime()) || typeof parsed.i !== 'string' || !UUID.test(parsed.i)) return null;
    return { startAt, id: parsed.i };
  } catch {
    return null;
  }
}
