import { googleapisOptions, googleOAuthEndpoints } from './googleapis-options';

describe('googleapisOptions', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('puts the mount prefix back on requests googleapis sends to the emulator origin', async () => {
    const seen: string[] = [];
    global.fetch = (async (input: string | URL | Request) => {
      seen.push(String(input));
      return new Response('{}');
    }) as typeof fetch;
    const opts = googleapisOptions('http://127.0.0.1:9/sandbox/google');
    expect(opts.rootUrl).toBe('http://127.0.0.1:9/sandbox/google/');
    await opts.fetchImplementation('http://127.0.0.1:9/calendar/v3/calendars/primary?x=1');
    await opts.fetchImplementation(new URL('http://127.0.0.1:9/sandbox/google/batch/calendar/v3'));
    await opts.fetchImplementation('http://elsewhere:1/calendar/v3');
    expect(seen).toEqual([
      'http://127.0.0.1:9/sandbox/google/calendar/v3/calendars/primary?x=1',
      'http://127.0.0.1:9/sandbox/google/batch/calendar/v3',
      'http://elsewhere:1/calendar/v3',
    ]);
  });

  it('builds OAuth2Client endpoints', () => {
    expect(googleOAuthEndpoints('http://h/sandbox/google/').oauth2TokenUrl).toBe('http://h/sandbox/google/token');
  });
});
