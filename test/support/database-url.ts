export const SERVER_URL_ENV = 'CB_TEST_SERVER_URL';
export const TEMPLATE_DB_ENV = 'CB_TEST_TEMPLATE_DB';

/** The same server URL pointing at another database. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
