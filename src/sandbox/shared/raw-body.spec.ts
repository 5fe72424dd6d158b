import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, InvalidJsonError, readFormBody, readJsonBody, readRawBody } from './raw-body';

function fakeRequest(text: string): IncomingMessage {
  return Readable.from([Buffer.from(text)]) as unknown as IncomingMessage;
}

describe('raw-body', () => {
  it('parses JSON, and an empty body as undefined', async () => {
    expect(await readJsonBody(fakeRequest('{"a":[1]}'))).toEqual({ a: [1] });
    expect(await readJsonBody(fakeRequest(''))).toBeUndefined();
  });

  it('rejects malformed JSON and oversize bodies', async () => {
    await expect(readJsonBody(fakeRequest('{nope'))).rejects.toBeInstanceOf(InvalidJsonError);
    await expect(readRawBody(fakeRequest('x'.repeat(20)), 10)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('parses form bodies and can be read twice', async () => {
    const req = fakeRequest('grant_type=refresh_token&refresh_token=a%2Bb');
    expect(await readFormBody(req)).toEqual({ grant_type: 'refresh_token', refresh_token: 'a+b' });
    expect((await readRawBody(req)).toString()).toContain('grant_type');
  });
});
