import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DocumentedOperation, exampleOf, exampleQueryValue, Schema, schemaResolver } from '../support/openapi-operations';

/** One request exactly as it goes on the wire (the path is the raw request target). */
export interface FuzzRequest {
  /** How it was built: credential kind, body kind, encoding — printed with a counterexample. */
  label: string;
  method: string;
  path: string;
  /** Name/value pairs, so that a header can be sent twice. */
  headers: Array<[string, string]>;
  body?: Buffer;
  /** Send no Host header (HTTP/1.1 requires one); otherwise the client adds the right one unless `headers` has its own. */
  omitHost?: boolean;
}

/** A way of presenting credentials: header lines, and/or a query parameter. */
export interface Credential {
  label: string;
  headers: Array<[string, string]>;
  query?: string;
}

/** What the suite set up before fuzzing: credentials of each kind and ids that exist. */
export interface FuzzContext {
  /** The credential each security scheme of the document expects (admin-token → the admin token…). */
  bySecurityScheme: Record<string, Credential[]>;
  /** Every other way of presenting (or not) credentials: none, garbage, revoked, wrong tenant, wrong kind, duplicated. */
  others: Credential[];
  /** Ids that exist (own tenant, other tenant, a sacrificial key, a user), so path parameters sometimes hit. */
  ids: string[];
  schemas: Record<string, Schema>;
}

/** Node refuses a request line + headers over 16 KiB (431); generated URLs and headers stay under it together. */
const MAX_URL_CHARS = 6000;
const MAX_HEADER_VALUE_CHARS = 6000;
/** BODY_LIMIT_BYTES' default is 256 KiB; bodies go up to just past it. */
const OVER_BODY_LIMIT = 256 * 1024 + 10;

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes the UTF-8 bytes of `text` (lone surrogates become U+FFFD, never a throw). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Text a header value may carry (Node refuses CR, LF, NUL and chars above U+00FF). */
function headerSafe(text: string): string {
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\u202e', '😀', 'null', 'undefined', '[object Object]', '%00', '../..', '<script>', "' OR 1=1 --"),
);

/** Already-encoded path segments: ids that exist, uuids, junk, huge, unicode, dot segments, encoded slashes. */
function pathSegment(context: FuzzContext): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...context.ids) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: anyText.map(percentEncode).filter((s) => s.length > 0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_URL_CHARS }).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 1500 }).map((n) => '%F0%9F%98%80'.repeat(Math.floor(n / 4) + 1)) },
    {
      weight: 3,
      arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2F', 'a%2Fb', '%2F..%2F..', '%00', '%zz', '%', '%E0%A4', '%C0%AF', '\u00e9', '\u00ff%FF', '-1', '0', '1e400', '00000000-0000-0000-0000-000000000000', '%20'),
    },
  );
}

/** Query values: the example, junk, huge, NUL, unicode, broken percent-encoding. */
const queryValue = (example: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(percentEncode(example)) },
    { weight: 3, arbitrary: anyText.map(percentEncode) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_URL_CHARS / 3 }).map((n) => 'x'.repeat(n)) },
    { weight: 2, arbitrary: fc.constantFrom('%00', '%zz', '%', '%E0%A4', '+', '%2B', '%26', '%3D', '', 'true', '-1', '1e309', 'NaN', '2030-13-45T99:99:99') },
  );

function queryString(operation: DocumentedOperation): fc.Arbitrary<string[]> {
  const parameters = (operation.operation.parameters ?? []).filter((p) => p.in === 'query');
  const documented = parameters.map((p) =>
    fc.oneof(
      { weight: 6, arbitrary: queryValue(exampleQueryValue(p)).map((v) => [`${p.name}=${v}`]) },
      { weight: 2, arbitrary: fc.constant([] as string[]) },
      { weight: 1, arbitrary: fc.tuple(queryValue(exampleQueryValue(p)), queryValue('')).map(([a, b]) => [`${p.name}=${a}`, `${p.name}=${b}`]) },
      { weight: 1, arbitrary: queryValue('').map((v) => [`${p.name}[]=${v}`, `${p.name}[x]=${v}`]) },
      { weight: 1, arbitrary: fc.constant([p.name]) },
    ),
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as string[]) },
    { weight: 1, arbitrary: fc.tuple(anyText, anyText).map(([k, v]) => [`${percentEncode(k)}=${percentEncode(v)}`]) },
    { weight: 1, arbitrary: fc.constantFrom(['__proto__[x]=1'], ['constructor[prototype][x]=1'], ['&&&'], ['=='], ['a=1&a=2&a=3'], ['%zz=%zz'], ['x-api-key=']) },
  );
  return fc.tuple(fc.tuple(...documented), extra).map(([pieces, more]) => [...pieces.flat(), ...more]);
}

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset="utf-8"',
  'application/json; charset=latin1',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16le',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/json;;;',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/calendar',
  '',
  '*/*',
];

type Encoding = 'none' | 'gzip' | 'deflate' | 'br' | 'gzip, gzip' | 'broken gzip' | 'broken br' | 'GZIP' | 'identity' | 'compress' | 'zstd' | 'x-unknown';
const ENCODINGS: Encoding[] = ['gzip', 'deflate', 'br', 'gzip, gzip', 'broken gzip', 'broken br', 'GZIP', 'identity', 'compress', 'zstd', 'x-unknown'];

function encode(body: Buffer, encoding: Encoding): { body: Buffer; header?: string } {
  switch (encoding) {
    case 'none':
      return { body };
    case 'gzip':
    case 'GZIP':
      return { body: gzipSync(body), header: encoding };
    case 'deflate':
      return { body: deflateSync(body), header: 'deflate' };
    case 'br':
      return { body: brotliCompressSync(body), header: 'br' };
    case 'gzip, gzip':
      return { body: gzipSync(gzipSync(body)), header: encoding };
    case 'broken gzip':
      return { body: gzipSync(body).subarray(0, Math.max(1, Math.floor(body.length / 2))), header: 'gzip' };
    case 'broken br':
      return { body, header: 'br' };
    default:
      return { body, header: encoding };
  }
}

/** A path into the body (keys) and the schema there, for each property down to two levels. */
function bodyFields(schema: Schema, resolve: (s?: Schema) => Schema | undefined, prefix: string[] = [], depth = 0): Array<{ path: string[]; schema: Schema }> {
  const fields: Array<{ path: string[]; schema: Schema }> = [];
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const property = resolve(raw) ?? {};
    fields.push({ path: [...prefix, name], schema: property });
    if (depth < 1 && property.properties) fields.push(...bodyFields(property, resolve, [...prefix, name], depth + 1));
  }
  return fields;
}

function setAt(body: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
  return copy;
}

function deleteAt(body: unknown, path: string[]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let at: unknown = copy;
  for (const key of path.slice(0, -1)) at = (at as Record<string, unknown> | undefined)?.[key];
  if (at && typeof at === 'object') delete (at as Record<string, unknown>)[path[path.length - 1]];
  return copy;
}

const nested = (depth: number, leaf: string): string => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

/** Values of every wrong kind for a field: wrong types, NUL, huge numbers, deep nesting, unicode, huge text. */
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: anyText },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), '', ' ', 'a\u0000b', '\u0000', [], {}, [null], { $ne: null }, '2030-02-30T25:61:00', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', 'Not/AZone', 'FREQ=SECONDLY;COUNT=99999999', 'FREQ=DAILY;UNTIL=99991231T000000Z', '-PT1S'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }).map((d) => JSON.parse(nested(d, '1')) as unknown) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_v, i) => `item${i}@example.com`)) },
);

interface BuiltBody {
  kind: string;
  /** The text or bytes before content encoding. */
  bytes: Buffer;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

function bodies(operation: DocumentedOperation, schemas: Record<string, Schema>): fc.Arbitrary<BuiltBody | undefined> {
  const resolve = schemaResolver(schemas);
  const schema = resolve(operation.operation.requestBody?.content?.['application/json']?.schema);
  const example = schema ? exampleOf(schema, resolve) : {};
  const fields = schema ? bodyFields(schema, resolve) : [];
  const text = JSON.stringify(example);
  const options: Array<fc.WeightedArbitrary<BuiltBody | undefined>> = [
    { weight: schema ? 1 : 6, arbitrary: fc.constant(undefined) },
    { weight: schema ? 4 : 1, arbitrary: fc.constant({ kind: 'example', bytes: json(example) }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'random JSON', bytes: json(v) })) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('', '"str"', '1', 'true', 'null', '[]', '[{}]', '{', '{"a":}', "{'a':1}", '{"a":NaN}', '{"a":1,}', '/* c */{}', '\ufeff{}', `${text}garbage`, text.slice(0, Math.floor(text.length / 2)), ' '.repeat(1000), '{"__proto__":{"polluted":true}}', `{"constructor":{"prototype":{"polluted":true}}}`, nested(32, ''), nested(33, ''), nested(5000, ''))
        .map((t) => ({ kind: `text ${JSON.stringify(t.slice(0, 40))}`, bytes: Buffer.from(t, 'utf8') })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { kind: 'invalid UTF-8 (0xff)', bytes: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) },
        { kind: 'invalid UTF-8 (overlong /)', bytes: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]) },
        { kind: 'invalid UTF-8 (truncated)', bytes: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]) },
        { kind: 'lone surrogate escape', bytes: Buffer.from('{"name":"\\ud800"}') },
        { kind: 'NUL bytes', bytes: Buffer.from('{"name":"a\u0000b"}\u0000') },
        { kind: 'over the body limit', bytes: Buffer.from(`{"name":"${'x'.repeat(OVER_BODY_LIMIT)}"}`) },
        { kind: 'UTF-16 text', bytes: Buffer.from(text, 'utf16le') },
      ),
    },
  ];
  if (fields.length > 0) {
    const field = fc.constantFrom(...fields);
    options.push(
      { weight: 6, arbitrary: fc.tuple(field, fieldValue).map(([f, v]) => ({ kind: `${f.path.join('.')} = ${JSON.stringify(v)?.slice(0, 60)}`, bytes: json(setAt(example, f.path, v)) })) },
      { weight: 2, arbitrary: field.map((f) => ({ kind: `without ${f.path.join('.')}`, bytes: json(deleteAt(example, f.path)) })) },
      {
        weight: 1,
        arbitrary: fc.tuple(anyText, fieldValue).map(([k, v]) => ({ kind: `extra property ${JSON.stringify(k)}`, bytes: json({ ...(example as object), [k]: v }) })),
      },
    );
  }
  return fc.oneof(...options);
}

function contentHeaders(body: BuiltBody | undefined): fc.Arbitrary<{ headers: Array<[string, string]>; bytes?: Buffer; label: string }> {
  const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  const encoding = fc.oneof({ weight: 8, arbitrary: fc.constant<Encoding>('none') }, { weight: 3, arbitrary: fc.constantFrom(...ENCODINGS) });
  return fc.tuple(contentType, encoding).map(([type, enc]) => {
    const headers: Array<[string, string]> = [];
    if (type !== undefined) headers.push(['content-type', type]);
    if (!body) return { headers, label: `no body, ${type ?? 'no'} content-type` };
    const encoded = encode(body.bytes, enc);
    if (encoded.header) headers.push(['content-encoding', encoded.header]);
    return { headers, bytes: encoded.body, label: `body ${body.kind}, ${type ?? 'no'} content-type, ${enc}` };
  });
}

/** Headers beside the credentials: huge values, odd accepts, junk request ids and forwarded-for. */
const extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant([] as Array<[string, string]>) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_HEADER_VALUE_CHARS }).map((n): Array<[string, string]> => [['x-fuzz', 'v'.repeat(n)]]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('accept', 'x-request-id', 'x-forwarded-for', 'origin', 'user-agent', 'accept-encoding', 'accept-charset', 'cookie', 'range', 'if-none-match', 'x-http-method-override'), anyText)
      .map(([name, value]): Array<[string, string]> => [[name, headerSafe(value)]]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Array<[string, string]>>(
      [['accept', 'text/html']],
      [['accept', 'application/xml']],
      [['x-request-id', 'r'.repeat(5000)]],
      [['x-forwarded-for', '1.2.3.4, 5.6.7.8, \u00ff']],
      [['x-http-method-override', 'DELETE']],
      [['origin', 'https://evil.example']],
      [['host', '']],
      [['host', 'evil.example']],
      [['host', `${'h'.repeat(300)}:1`]],
      [['host', '127.0.0.1:99999']],
      [['host', 'a'], ['host', 'b']],
    ),
  },
);

/** Credentials: mostly the right kind for the operation (so requests get to the body), else any other kind. */
function credentials(operation: DocumentedOperation, context: FuzzContext): fc.Arbitrary<Credential> {
  const schemes = (operation.operation.security ?? []).flatMap((s) => Object.keys(s));
  const right = schemes.flatMap((s) => context.bySecurityScheme[s] ?? []);
  const others = fc.constantFrom(...context.others);
  return right.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...right) }, { weight: 2, arbitrary: others }) : others;
}

function fillTemplate(template: string, segment: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return fc.constant(template);
  return fc.tuple(...names.map(() => segment)).map((values) => {
    let i = 0;
    return template.replace(/\{[^}]+\}/g, () => values[i++]);
  });
}

function assemble(parts: {
  method: string;
  path: string;
  query: string[];
  credential: Credential;
  content: { headers: Array<[string, string]>; bytes?: Buffer; label: string };
  extra: Array<[string, string]>;
  omitHost: boolean;
}): FuzzRequest {
  const query = [...parts.query, ...(parts.credential.query ? [parts.credential.query] : [])];
  const path = `${parts.path}${query.length ? `?${query.join('&')}` : ''}`.slice(0, MAX_URL_CHARS * 2);
  const request: FuzzRequest = {
    label: `${parts.credential.label}; ${parts.content.label}${parts.extra.length ? `; + ${parts.extra.map(([n, v]) => `${n} (${v.length} chars)`).join(', ')}` : ''}`,
    method: parts.method,
    path,
    headers: [...parts.credential.headers, ...parts.content.headers, ...parts.extra],
    body: parts.content.bytes,
    ...(parts.omitHost ? { omitHost: true } : {}),
  };
  // How fast-check prints a counterexample: readable, bodies cut short.
  return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
}

/** Now and then a request without a Host header. */
const omitHost = fc.oneof({ weight: 30, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

/** Requests to one documented operation, every part of them fuzzed. */
export function requestsFor(operation: DocumentedOperation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: fillTemplate(operation.template, pathSegment(context)),
      query: queryString(operation),
      credential: credentials(operation, context),
      content: bodies(operation, context.schemas).chain(contentHeaders),
      extra: extraHeaders,
      omitHost,
    })
    .map((parts) => assemble({ method: operation.method, ...parts }));
}

/** Requests to paths no operation documents, under each surface's prefix (and beside them). */
export function unknownRequests(prefixes: string[], context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const tail = fc.array(pathSegment(context), { minLength: 0, maxLength: 4 }).map((segments) => segments.map((s) => `/${s}`).join(''));
  return fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
      path: fc.tuple(fc.constantFrom(...prefixes), fc.constantFrom('', '/', '//', '/x', '/%2e%2e', '/.well-known'), tail).map(([p, middle, rest]) => `${p}${middle}${rest}` || '/'),
      query: fc.constantFrom([] as string[], ['a=1'], ['%zz=%zz']),
      credential: fc.constantFrom(...context.others, ...Object.values(context.bySecurityScheme).flat()),
      content: fc.option(fc.constantFrom<BuiltBody>({ kind: 'JSON', bytes: json({ a: 1 }) }, { kind: 'broken JSON', bytes: Buffer.from('{') })).chain((b) => contentHeaders(b ?? undefined)),
      extra: extraHeaders,
      omitHost,
    })
    .map((parts) => assemble(parts));
}

/** fast-check prints this for a counterexample: the request as it went out, bodies cut short. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body ? ` body(${request.body.length} bytes)=${JSON.stringify(request.body.subarray(0, 200).toString('latin1'))}` : '';
  const headers = request.headers.map(([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`).join(' | ');
  const path = request.path.length > 300 ? `${request.path.slice(0, 300)}…(${request.path.length})` : request.path;
  return `${request.method} ${path} [${request.label}${request.omitHost ? '; no Host header' : ''}] {${headers}}${body}`;
}
