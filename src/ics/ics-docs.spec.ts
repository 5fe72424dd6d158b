import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ICS_ERRORS } from './ics-error-codes';

describe('docs/ics.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'ics.md'), 'utf8');

  it('lists every error code with its status and message', () => {
    for (const d of Object.values(ICS_ERRORS)) {
      expect(doc).toContain(`| ${d.code} | ${d.status} | ${d.message} |`);
    }
  });
});
