import { DomainException } from '../common/errors/domain.exception';
import { validateDestinationRequest } from './destination-calendar-request.validator';
import { sameCalendarId } from './destination-calendars.service';

function refusal(body: unknown): { status: number; message: string; fields: string[] } {
  try {
    validateDestinationRequest(body);
  } catch (error) {
    if (!(error instanceof DomainException)) throw error;
    return { status: error.status, message: error.message, fields: (error.details ?? []).map((detail) => detail.field) };
  }
  throw new Error('expected a refusal');
}

describe('validateDestinationRequest', () => {
  it('takes the seed fields; a null or absent delegationCredentialId is none', () => {
    expect(validateDestinationRequest({ integration: 'apple_calendar', externalId: 'https://dav.example/cal/' })).toEqual({
      integration: 'apple_calendar',
      externalId: 'https://dav.example/cal/',
      delegationCredentialId: null,
    });
    expect(validateDestinationRequest({ integration: 'google_calendar', externalId: 'a@b.c', delegationCredentialId: null }).delegationCredentialId).toBeNull();
    expect(validateDestinationRequest({ integration: 'office365_calendar', externalId: 'AAMk', delegationCredentialId: 'cred' }).delegationCredentialId).toBe('cred');
  });

  it.each([
    [null, ['body']],
    ['text', ['body']],
    [[], ['body']],
    [{ integration: 'Google_Calendar', externalId: 'x' }, ['integration']],
    [{ integration: 1, externalId: 'x' }, ['integration']],
    [{ integration: 'google_calendar', externalId: '   ' }, ['externalId']],
    [{ integration: 'google_calendar', externalId: 7 }, ['externalId']],
    [{ integration: 'google_calendar', externalId: 'x'.repeat(2049) }, ['externalId']],
    [{ integration: 'google_calendar', externalId: 'x', delegationCredentialId: '' }, ['delegationCredentialId']],
    [{ integration: 'google_calendar', externalId: 'x', delegationCredentialId: 5 }, ['delegationCredentialId']],
    [{ integration: 'google_calendar', externalId: 'x', delegationCredentialId: 'c'.repeat(129) }, ['delegationCredentialId']],
    [{ integration: 'google_calendar', externalId: 'x', credentialId: 3 }, ['credentialId']],
  ])('refuses %j with 400 naming %j', (body, fields) => {
    const result = refusal(body);
    expect(result.status).toBe(400);
    expect([...new Set(result.fields)]).toEqual(fields);
  });

  it('accepts an externalId of exactly 2048 characters', () => {
    expect(validateDestinationRequest({ integration: 'google_calendar', externalId: 'x'.repeat(2048) }).externalId).toHaveLength(2048);
  });
});

describe('sameCalendarId', () => {
  it('CalDAV URLs match with or without trailing slashes; other providers compare exactly', () => {
    expect(sameCalendarId('caldav', 'https://d/cal/', 'https://d/cal')).toBe(true);
    expect(sameCalendarId('caldav', 'https://d/cal//', 'https://d/cal/')).toBe(true);
    expect(sameCalendarId('caldav', 'https://d/cal/', 'https://d/cal2/')).toBe(false);
    expect(sameCalendarId('google', 'a@b.c/', 'a@b.c')).toBe(false);
    expect(sameCalendarId('microsoft', 'AAMk', 'aamk')).toBe(false);
    // Linear on a long run of slashes (the id comes from the request body).
    expect(sameCalendarId('caldav', `${'/'.repeat(100_000)}x`, `${'/'.repeat(100_000)}x/`)).toBe(true);
  });
});
