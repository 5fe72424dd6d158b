export interface RequestCounts {
  total: number;
  byMailbox: Record<string, number>;
  byEndpoint: Record<string, number>;
}

/** Counts API calls so tests can assert "a sync with no change costs one request". */
export class RequestCounter {
  private total = 0;
  private byMailbox = new Map<string, number>();
  private byEndpoint = new Map<string, number>();

  /** mailbox is undefined for calls that could not be attributed (bad token). */
  record(mailbox: string | undefined, endpoint: string): void {
    this.total += 1;
    if (mailbox) bump(this.byMailbox, mailbox.toLowerCase());
    bump(this.byEndpoint, endpoint);
  }

  snapshot(): RequestCounts {
    return {
      total: this.total,
      byMailbox: Object.fromEntries(this.byMailbox),
      byEndpoint: Object.fromEntries(this.byEndpoint),
    };
  }

  reset(): void {
    this.total = 0;
    this.byMailbox.clear();
    this.byEndpoint.clear();
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
