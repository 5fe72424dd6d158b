/**
 * Programmable failures for the emulators: tests queue rules ("the next 2 POSTs to
 * /events answer 503") and the emulator asks take() before handling each request.
 */
export interface FaultRule {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests this rule still fails. */
  count: number;
  match?: { method?: string; pathIncludes?: string; mailbox?: string };
  /** Extra delay applied before answering the faulted request. */
  latencyMs?: number;
}

export interface FaultRequest {
  method: string;
  path: string;
  mailbox?: string;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private globalLatencyMs = 0;

  add(rule: FaultRule): void {
    // Copy so that decrementing never mutates the caller's object.
    this.rules.push({ ...rule, match: rule.match ? { ...rule.match } : undefined });
  }

  /** Returns the first matching live rule and consumes one of its uses. */
  take(req: FaultRequest): FaultRule | undefined {
    const rule = this.rules.find((r) => r.count > 0 && matches(r, req));
    if (!rule) return undefined;
    rule.count -= 1;
    this.rules = this.rules.filter((r) => r.count > 0);
    return rule;
  }

  setLatency(ms: number): void {
    this.globalLatencyMs = Math.max(0, ms);
  }

  get latencyMs(): number {
    return this.globalLatencyMs;
  }

  /** Pending rules, for the control API. */
  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
    this.globalLatencyMs = 0;
  }
}

function matches(rule: FaultRule, req: FaultRequest): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (m.pathIncludes && !req.path.includes(m.pathIncludes)) return false;
  if (m.mailbox && m.mailbox.toLowerCase() !== (req.mailbox ?? '').toLowerCase()) return false;
  return true;
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
