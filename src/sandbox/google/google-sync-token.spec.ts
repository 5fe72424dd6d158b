import { GoogleApiError } from './google-errors';
import { GoogleStore } from './google-store';
import { decodePageToken, decodeSyncToken, encodePageToken, encodeSyncToken } from './google-sync-token';

describe('sync and page tokens', () => {
  const store = new GoogleStore(() => 0);
  store.createMailbox({ email: 'a@example.com' });
  const calendar = store.calendarById('a@example.com')!;

  it('round-trips a sync token and answers 410 after the epoch moves or the TTL passes', () => {
    const token = encodeSyncToken(calendar, 42, 1000);
    expect(decodeSyncToken(token, calendar, 1000)).toBe(42);
    expect(() => decodeSyncToken(token, calendar, 5000, 1000)).toThrow(GoogleApiError);
    calendar.syncEpoch += 1;
    try {
      decodeSyncToken(token, calendar, 1000);
      throw new Error('expected 410');
    } catch (err) {
      expect((err as GoogleApiError).status).toBe(410);
      expect((err as GoogleApiError).reason).toBe('fullSyncRequired');
    }
  });

  it('round-trips page cursors and refuses garbage with 400', () => {
    const token = encodePageToken(calendar, { up: 9, since: 3, k: [5, 'abc'], page: { n: 2, e: true } });
    expect(decodePageToken(token, calendar)).toEqual({ up: 9, since: 3, k: [5, 'abc'], page: { n: 2, e: true } });
    expect(() => decodePageToken('nope', calendar)).toThrow(GoogleApiError);
  });
});
