import { badRequest } from './graph-errors';
import { parseFilter, type FilterPredicate } from './odata-filter';
import type { ExtendedProperty } from './graph-model';
import { resolveTimeZone } from './windows-time-zones';
import { checkEventSelect, isEventProperty, unknownEventProperty } from './graph-event-properties';

export interface Preferences {
  /** Label echoed in start/end.timeZone; "UTC" unless outlook.timezone names a known zone. */
  timeZone: string;
  timeZoneApplied: boolean;
  maxPageSize?: number;
  bodyContentType?: 'text' | 'html';
}

/** Parses Prefer: outlook.timezone="...", odata.maxpagesize=N, outlook.body-content-type="text". */
export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { timeZone: 'UTC', timeZoneApplied: false };
  if (!header) return prefs;
  for (const [rawName, value] of preferencePairs(header)) {
    const name = rawName.toLowerCase();
    if (name === 'outlook.timezone' && resolveTimeZone(value)) {
      prefs.timeZone = value;
      prefs.timeZoneApplied = true;
    } else if (name === 'odata.maxpagesize' && /^\d+$/.test(value) && Number(value) > 0) {
      prefs.maxPageSize = Number(value);
    } else if (name === 'outlook.body-content-type' && ['text', 'html'].includes(value.toLowerCase())) {
      prefs.bodyContentType = value.toLowerCase() as 'text' | 'html';
    }
  }
  return prefs;
}

const PREFERENCE_NAME = /^[\w.-]+$/;

/**
 * `name=value` or `name="quoted value"` pairs separated by `,` or `;`, read with index scans:
 * the former `/([\w.-]+)\s*=…/g` backtracked quadratically (16 kB without `=`: 0.75 s).
 */
function preferencePairs(header: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const isSeparator = (c: string | undefined) => c === ',' || c === ';';
  let i = 0;
  while (i < header.length) {
    const nameStart = i;
    while (i < header.length && header[i] !== '=' && !isSeparator(header[i])) i++;
    const words = header.slice(nameStart, i).trim().split(' ');
    const name = words[words.length - 1];
    if (header[i] === '=') {
      i++;
      while (header[i] === ' ' || header[i] === '\t') i++;
      let value: string;
      const close = header[i] === '"' ? header.indexOf('"', i + 1) : -1;
      if (close >= 0) {
        value = header.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < header.length && !isSeparator(header[i]) && header[i] !== ' ' && header[i] !== '\t') i++;
        value = header.slice(valueStart, i);
      }
      if (PREFERENCE_NAME.test(name) && value) pairs.push([name, value]);
      while (i < header.length && !isSeparator(header[i])) i++;
    }
    i++;
  }
  return pairs;
}

export function preferenceAppliedHeader(prefs: Preferences, pageSizeApplied: boolean): string | undefined {
  const parts: string[] = [];
  if (pageSizeApplied && prefs.maxPageSize) parts.push(`odata.maxpagesize=${prefs.maxPageSize}`);
  if (prefs.timeZoneApplied) parts.push(`outlook.timezone="${prefs.timeZone}"`);
  return parts.length ? parts.join(', ') : undefined;
}

export interface ListQuery {
  select?: string[];
  top?: number;
  skip: number;
  filter?: FilterPredicate;
  expandExtended?: ((p: ExtendedProperty) => boolean) | null;
  expandExceptions: boolean;
  orderBy?: { path: string[]; desc: boolean };
}

function param(query: URLSearchParams, name: string): string | null {
  // OData system query options are accepted with or without the $ prefix, any case.
  for (const [k, v] of query) if (k.toLowerCase() === `$${name}` || k.toLowerCase() === name) return v;
  return null;
}

export function queryParam(query: URLSearchParams, name: string): string | null {
  for (const [k, v] of query) if (k.toLowerCase() === name.toLowerCase()) return v;
  return null;
}

/** Splits on commas that are not inside parentheses: $expand=a($filter=x),b. */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of value) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

export function parseListQuery(query: URLSearchParams): ListQuery {
  const out: ListQuery = { skip: 0, expandExceptions: false };
  const select = param(query, 'select');
  if (select) {
    out.select = select.split(',').map((s) => s.trim()).filter(Boolean);
    checkEventSelect(out.select);
  }
  const top = param(query, 'top');
  if (top !== null) {
    if (!/^\d+$/.test(top)) throw badRequest(`Invalid value '${top}' for $top query option found.`, 'BadRequest');
    out.top = Math.min(Number(top), 1000);
  }
  const skip = param(query, 'skip');
  if (skip !== null) {
    if (!/^\d+$/.test(skip)) throw badRequest(`Invalid value '${skip}' for $skip query option found.`, 'BadRequest');
    out.skip = Number(skip);
  }
  const filter = param(query, 'filter');
  if (filter) out.filter = parseFilter(filter);
  const orderBy = param(query, 'orderby');
  if (orderBy) {
    const [path, dir] = orderBy.trim().split(/\s+/);
    if (!isEventProperty(path.split('/')[0])) throw unknownEventProperty(path.split('/')[0]);
    out.orderBy = { path: path.split('/'), desc: dir?.toLowerCase() === 'desc' };
  }
  const expand = param(query, 'expand');
  if (expand) {
    for (const part of splitTopLevel(expand)) {
      const m = /^(\w+)(?:\((.*)\))?$/s.exec(part);
      const name = m?.[1].toLowerCase();
      if (name === 'singlevalueextendedproperties') {
        const inner = m?.[2]?.trim();
        const filterText = inner ? /^\$filter=(.*)$/is.exec(inner)?.[1] : undefined;
        if (inner && !filterText) throw badRequest(`Unsupported expand options '${inner}'.`, 'BadRequest');
        const predicate = filterText ? parseFilter(filterText) : null;
        out.expandExtended = predicate ? (p) => predicate(p as unknown as Record<string, unknown>) : null;
      } else if (name === 'exceptionoccurrences') {
        out.expandExceptions = true;
      } else if (name !== 'calendar' && name !== 'attachments') {
        throw unknownEventProperty(m?.[1] ?? part);
      }
    }
  }
  return out;
}
