import { randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fc from 'fast-check';
import { sign } from 'jsonwebtoken';
import { hashApiKey } from '../../src/common/crypto/api-key-hash';
import { SURFACE_ERROR_SCHEMAS, SurfaceName } from '../../src/common/http/api-surface-errors';
import { SURFACE_ERROR_MODELS, SURFACE_ROUTES } from '../../src/surfaces';
import { http } from '../support/http';
import { LogCapturingApp, startAppCapturingLogs } from '../support/log-capture';
import { schemaProblems, SchemaObject } from '../support/openapi-schema';
import { documentedOperations, DocumentedOperation, OpenApiDocument, Schema } from '../support/openapi-operations';
import { Credential, describeRequest, FuzzContext, FuzzRequest, requestsFor, unknownRequests } from './arbitraries';

/**
 * Fuzzes every route of every surface, as the live OpenAPI document lists them (a route added
 * later is fuzzed by itself), plus unknown paths under each surface's prefix. Each request's
 * path parameters, query, headers, content encoding, credentials and body are generated; each
 * answer must hold these properties:
 *  - never a 5xx;
 *  - a status the operation documents, with a body matching the schema documented for it
 *    (errors: the surface's error shape; unknown paths: the error shape of the surface their
 *    prefix belongs to);
 *  - no stack trace and no secret (keys, their hashes, the admin token, JWT secret,
 *    ENCRYPTION_KEY, the JWTs) in the answer or in the log lines written meanwhile;
 *  - an answer within ANSWER_BOUND_MS of wall-clock time.
 *
 * `npm test` runs FUZZ_RUNS (default 600) requests with the fixed FUZZ_SEED; `npm run fuzz`
 * runs 5000 with a random seed (both printed). A failure prints fast-check's shrunk
 * counterexample and the seed and path to replay it (FUZZ_SEED=… FUZZ_RUNS=…).
 */
const LONG = process.env.FUZZ_LONG === '1';
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? (LONG ? 5000 : 600));
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : LONG ? randomInt(2 ** 31) : 20261121;
/**
 * Wall-clock bound per answer. The machine is 2 shared cores, so wall time carries scheduling
 * noise: a slow answer is re-sent twice and the fastest try counts (a pathological input is
 * slow every time). The hang classes this guards against (a stalled body read, a timeout that
 * never fires, a backtracking regex) take tens of seconds.
 */
const ANSWER_BOUND_MS = 2000;
const GIVE_UP_MS = 15_000;

const STACK_PATTERNS = [/\n\s+at /, /\bat [^\s()]+ \([^)]*:\d+:\d+\)/, /node_modules/, /\/(src|dist|test)\/[\w./-]+\.[jt]s\b/];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

describe('HTTP fuzzing: every route of every surface', () => {
  let t: LogCapturingApp;
  let doc: OpenApiDocument;
  let operations: DocumentedOperation[];
  let schemas: Record<string, SchemaObject>;
  let context: FuzzContext;
  let secrets: Array<[string, string]>;
  const statuses = new Map<number, number>();
  let requests = 0;
  let slowest = { ms: 0, request: '' };

  beforeAll(async () => {
    // The Apple credentials example logs in to iCloud, unreachable here: answered 400 within the bound.
    t = await startAppCapturingLogs({ API_KEY_CACHE_SECONDS: '0', CONNECTIONS_CHECK_TIMEOUT_MS: '1000' });
    const admin = { 'x-admin-token': t.adminToken };
    const post = async (path: string, json: unknown) => {
      const response = await http(t.baseUrl, 'POST', path, { headers: admin, json });
      if (response.status !== 201) throw new Error(`setup ${path}: ${response.status} ${response.text}`);
      return response.body;
    };
    const tenantA = await post('/admin/tenants', { name: 'Fuzz A' });
    const tenantB = await post('/admin/tenants', { name: 'Fuzz B' });
    const orgKeyA = await post(`/admin/tenants/${tenantA.id}/api-keys`, { name: 'fuzz org key' });
    const orgKeyB = await post(`/admin/tenants/${tenantB.id}/api-keys`, { name: 'other tenant key' });
    const sacrificial = await post(`/admin/tenants/${tenantA.id}/api-keys`, { name: 'may be revoked by the fuzzer' });
    const revoked = await post(`/admin/tenants/${tenantA.id}/api-keys`, { name: 'revoked' });
    const userA = await post(`/admin/tenants/${tenantA.id}/users`, { externalId: 'fuzz-user' });
    await post(`/admin/tenants/${tenantB.id}/users`, { externalId: 'fuzz-user-b' });
    const userKeyA = await post(`/admin/tenants/${tenantA.id}/api-keys`, { name: 'fuzz user key', userId: userA.id });
    const revokedUserKey = await post(`/admin/tenants/${tenantA.id}/api-keys`, { name: 'revoked user key', userId: userA.id });
    for (const key of [revoked, revokedUserKey]) {
      const gone = await http(t.baseUrl, 'DELETE', `/admin/tenants/${tenantA.id}/api-keys/${key.id}`, { headers: admin });
      if (gone.status !== 204) throw new Error(`setup revoke: ${gone.status}`);
    }
    const jwtSecret = t.env.JWT_SECRET as string;
    const jwtA = sign({ sub: 'fuzz-user', tenant_id: tenantA.id }, jwtSecret, { expiresIn: 7200 });
    const jwtB = sign({ sub: 'fuzz-user-b', tenant_id: tenantB.id }, jwtSecret, { expiresIn: 7200 });
    const expired = sign({ sub: 'fuzz-user', tenant_id: tenantA.id, exp: Math.floor(Date.now() / 1000) - 60 }, jwtSecret);
    const wrongSecret = sign({ sub: 'fuzz-user', tenant_id: tenantA.id }, 'not-the-secret', { expiresIn: 7200 });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'fuzz-user', tenant_id: tenantA.id })).toString('base64url')}.`;

    const cred = (label: string, ...headers: Array<[string, string]>): Credential => ({ label, headers });
    context = {
      bySecurityScheme: {
        'admin-token': [cred('admin token', ['x-admin-token', t.adminToken])],
        'x-api-key': [cred('org key in x-api-key', ['x-api-key', orgKeyA.key])],
        cb_key: [cred('org key in cb_key', ['cb_key', orgKeyA.key])],
        'x-api-key-query': [{ label: 'org key in the query', headers: [], query: `x-api-key=${encodeURIComponent(orgKeyA.key)}` }],
        bearer: [cred('user JWT', ['authorization', `Bearer ${jwtA}`]), cred('user key', ['authorization', `Bearer ${userKeyA.key}`])],
        'metrics-token': [cred('none (loopback)')],
      },
      others: [
        cred('none'),
        cred('garbage x-api-key', ['x-api-key', 'garbage']),
        cred('garbage cb_key', ['cb_key', 'cbk_garbage']),
        cred('garbage bearer', ['authorization', 'Bearer garbage.garbage.garbage']),
        cred('garbage admin token', ['x-admin-token', 'garbage']),
        cred('empty x-api-key', ['x-api-key', '']),
        cred('huge x-api-key', ['x-api-key', `cbk_${'a'.repeat(6000)}`]),
        cred('org key as bearer', ['authorization', `Bearer ${orgKeyA.key}`]),
        cred('org key as admin token', ['x-admin-token', orgKeyA.key]),
        cred('user key in x-api-key', ['x-api-key', userKeyA.key]),
        cred('user key in cb_key', ['cb_key', userKeyA.key]),
        cred('JWT in x-api-key', ['x-api-key', jwtA]),
        cred('admin token as bearer', ['authorization', `Bearer ${t.adminToken}`]),
        cred('admin token in x-api-key', ['x-api-key', t.adminToken]),
        cred('revoked org key', ['x-api-key', revoked.key]),
        cred('revoked org key in cb_key', ['cb_key', revoked.key]),
        cred('revoked user key', ['authorization', `Bearer ${revokedUserKey.key}`]),
        cred('other tenant org key', ['x-api-key', orgKeyB.key]),
        cred('other tenant org key in cb_key', ['cb_key', orgKeyB.key]),
        cred('other tenant JWT', ['authorization', `Bearer ${jwtB}`]),
        cred('expired JWT', ['authorization', `Bearer ${expired}`]),
        cred('JWT signed with another secret', ['authorization', `Bearer ${wrongSecret}`]),
        cred('unsigned JWT (alg none)', ['authorization', `Bearer ${unsigned}`]),
        cred('lower-case bearer', ['authorization', `bearer ${jwtA}`]),
        cred('Bearer without token', ['authorization', 'Bearer ']),
        cred('Basic auth', ['authorization', 'Basic dXNlcjpwYXNz']),
        cred('org key twice (then garbage)', ['x-api-key', orgKeyA.key], ['x-api-key', 'garbage']),
        cred('garbage then org key', ['x-api-key', 'garbage'], ['x-api-key', orgKeyA.key]),
        cred('two authorization headers', ['authorization', 'Bearer garbage'], ['authorization', `Bearer ${jwtA}`]),
        cred('x-api-key and cb_key disagree', ['x-api-key', orgKeyA.key], ['cb_key', orgKeyB.key]),
        cred('admin token twice', ['x-admin-token', t.adminToken], ['x-admin-token', t.adminToken]),
        cred('org key with spaces', ['x-api-key', ` ${orgKeyA.key} `]),
        { label: 'revoked key in the query', headers: [], query: `x-api-key=${encodeURIComponent(revoked.key)}` },
        { label: 'org key in query and garbage header', headers: [['x-api-key', 'garbage']], query: `x-api-key=${encodeURIComponent(orgKeyA.key)}` },
      ],
      // Never the fixtures' own key ids: the fuzzer may DELETE what it finds.
      ids: [tenantA.id, tenantB.id, sacrificial.id, orgKeyB.id, String(userA.id), revoked.id],
      schemas: {},
    };
    const keys = [orgKeyA.key, orgKeyB.key, userKeyA.key, revoked.key, revokedUserKey.key];
    secrets = [
      ['admin token', t.adminToken],
      ['JWT secret', jwtSecret],
      ['ENCRYPTION_KEY', t.env.ENCRYPTION_KEY as string],
      ['user JWT', jwtA],
      ['other tenant JWT', jwtB],
      ...keys.map((key, i): [string, string] => [`API key ${i}`, key]),
      ...keys.map((key, i): [string, string] => [`API key ${i} hash`, hashApiKey(key)]),
    ];

    doc = (await http(t.baseUrl, 'GET', '/docs-json')).body as OpenApiDocument;
    operations = documentedOperations(doc);
    // The served document drops error bodies of surfaces that have no routes yet; unknown paths
    // under their prefixes still answer in them, so take every surface's body from the models.
    const everyErrorBody = SwaggerModule.createDocument(t.app, new DocumentBuilder().build(), { extraModels: Object.values(SURFACE_ERROR_MODELS) });
    schemas = { ...(everyErrorBody.components?.schemas as Record<string, SchemaObject>), ...(doc.components?.schemas as Record<string, SchemaObject>) };
    context.schemas = schemas as Record<string, Schema>;
    process.stdout.write(`fuzz: seed ${SEED}, ${TOTAL_RUNS} runs over ${operations.length} operations + unknown paths (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${TOTAL_RUNS})\n`);
  });
  afterAll(async () => {
    process.stdout.write(`fuzz: ${requests} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; slowest ${slowest.ms.toFixed(0)} ms: ${slowest.request}\n`);
    await t?.close();
  });

  const runsPerGroup = (groups: number) => Math.max(5, Math.ceil(TOTAL_RUNS / groups));
  const testTimeout = Math.max(180_000, TOTAL_RUNS * 1500);

  it(
    'every documented operation: never a 5xx, documented status and body, no stack or secret, in time',
    async () => {
      expect(operations.map((o) => `${o.method} ${o.template}`)).toEqual(expect.arrayContaining(['POST /ics', 'GET /ics', 'POST /admin/tenants', 'GET /tenant', 'GET /users/me']));
      const failures: string[] = [];
      const perOperation = runsPerGroup(operations.length + 1);
      for (const operation of operations) {
        const outcome = await fc.check(
          fc.asyncProperty(requestsFor(operation, context), async (request) => assertHolds(request)),
          { numRuns: perOperation, seed: SEED, endOnFailure: !LONG },
        );
        if (outcome.failed) failures.push(`${operation.method} ${operation.template}:\n${fc.defaultReportMessage(outcome)}\nCause: ${(outcome.errorInstance as Error | undefined)?.message}`);
      }
      expect(failures).toEqual([]);
    },
    testTimeout,
  );

  it(
    "unknown paths under each surface's prefix: 404 (or another documented refusal) in that surface's shape",
    async () => {
      const prefixes = [...SURFACE_ROUTES.map((r) => r.prefix), '/admin', '/tenant', '/users', '/health', '', '/LINKS', '/Ics', '/api/v1', '/docs-json/x'];
      await fc.assert(
        fc.asyncProperty(unknownRequests(prefixes, context), async (request) => assertHolds(request)),
        { numRuns: runsPerGroup(operations.length + 1) * 3, seed: SEED },
      );
    },
    testTimeout,
  );

  it('the whole log holds no secret', () => {
    const leaks = t.lines.flatMap((line) => secrets.filter(([, value]) => line.includes(value)).map(([name]) => `${name} in ${line.slice(0, 300)}`));
    expect(leaks).toEqual([]);
  });

  /** Sends `request` and throws (fast-check then shrinks and reports) when a property fails. */
  async function assertHolds(request: FuzzRequest): Promise<void> {
    const logFrom = t.lines.length;
    let answer = await send(t.baseUrl, request);
    for (let retry = 0; retry < 2 && answer.ms >= ANSWER_BOUND_MS; retry++) {
      const again = await send(t.baseUrl, request);
      if (again.ms < answer.ms) answer = again;
    }
    requests++;
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.ms > slowest.ms) slowest = { ms: answer.ms, request: describeRequest(request).slice(0, 200) };
    const problems = [...answerProblems(request, answer), ...logProblems(t.lines.slice(logFrom))];
    if (problems.length > 0) {
      const text = answer.body.toString('utf8');
      throw new Error(`${problems.join('\n')}\nrequest: ${describeRequest(request)}\nanswer: ${answer.status} ${text.slice(0, 500)}`);
    }
  }

  function answerProblems(request: FuzzRequest, answer: Answer): string[] {
    const problems: string[] = [];
    if (answer.status >= 500) problems.push(`status ${answer.status} (a 5xx)`);
    if (answer.ms >= ANSWER_BOUND_MS) problems.push(`answered in ${answer.ms.toFixed(0)} ms (bound ${ANSWER_BOUND_MS} ms)`);
    const text = answer.body.toString('utf8');
    const exposed = `${text}\n${JSON.stringify(answer.headers)}`;
    for (const [name, value] of secrets) if (exposed.includes(value)) problems.push(`the answer exposes the ${name}`);
    for (const pattern of STACK_PATTERNS) if (pattern.test(text)) problems.push(`the answer looks like a stack trace (${pattern})`);

    const pathname = request.path.split('?')[0];
    const matched = operations.filter((o) => o.method === request.method && matchesTemplate(pathname, o.template));
    const isJson = String(answer.headers['content-type'] ?? '').startsWith('application/json');
    let body: unknown;
    if (isJson) {
      try {
        body = JSON.parse(text);
      } catch {
        problems.push('content-type says JSON but the body does not parse');
        return problems;
      }
    }
    if (matched.length === 0) {
      const surface = surfaceOf(pathname);
      if (answer.status < 400) return [...problems, `unknown route answered ${answer.status}`];
      if (!isJson) return [...problems, `error answer is ${String(answer.headers['content-type'])}, not JSON`];
      const schema = { $ref: `#/components/schemas/${SURFACE_ERROR_SCHEMAS[surface]}` };
      return [...problems, ...schemaProblems(body, schema, schemas).map((p) => `${surface} error shape: ${p}`)];
    }
    // Several templates can match one path; the answer must fit one of them.
    const perOperation = matched.map((operation) => documentedAnswerProblems(operation, answer, isJson, body));
    const fits = perOperation.find((p) => p.length === 0);
    return fits ? problems : [...problems, ...perOperation[0]];
  }

  function documentedAnswerProblems(operation: DocumentedOperation, answer: Answer, isJson: boolean, body: unknown): string[] {
    const where = `${operation.method} ${operation.template}`;
    const documented = operation.operation.responses?.[String(answer.status)];
    if (!documented) return [`${where} does not document status ${answer.status}`];
    const schema = documented.content?.['application/json']?.schema as SchemaObject | undefined;
    if (answer.status === 204) return answer.body.length === 0 ? [] : [`${where}: 204 with a body`];
    if (answer.status >= 400 && !isJson) return [`${where}: error answer is ${String(answer.headers['content-type'])}, not JSON`];
    if (!isJson) return documented.content && Object.keys(documented.content).some((type) => String(answer.headers['content-type']).startsWith(type)) ? [] : [`${where}: ${answer.status} answered ${String(answer.headers['content-type'])}, not a documented content type`];
    if (!schema) return [`${where}: ${answer.status} answered JSON where none is documented`];
    // Documented by an example only (/health, /ready): nothing to check the body against.
    if (!schema.$ref && !schema.type) return [];
    return schemaProblems(body, schema, schemas).map((p) => `${where} ${answer.status} schema: ${p}`);
  }

  function logProblems(lines: string[]): string[] {
    const problems: string[] = [];
    for (const line of lines) {
      for (const [name, value] of secrets) if (line.includes(value)) problems.push(`the log exposes the ${name}: ${line.slice(0, 300)}`);
      for (const pattern of STACK_PATTERNS) if (pattern.test(line.replace(/\\n/g, '\n'))) problems.push(`the log holds a stack trace: ${line.slice(0, 300)}`);
    }
    return problems;
  }
});

/** Express's matching, on the raw (undecoded) path: a parameter is one non-empty segment; one trailing slash is optional. */
function matchesTemplate(pathname: string, template: string): boolean {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const actual = path.split('/');
  const expected = template.split('/');
  return actual.length === expected.length && expected.every((segment, i) => (/^\{[^}]+\}$/.test(segment) ? actual[i].length > 0 : segment === actual[i]));
}

function surfaceOf(pathname: string): SurfaceName {
  return SURFACE_ROUTES.find((r) => pathname === r.prefix || pathname.startsWith(`${r.prefix}/`))?.surface ?? 'default';
}

/** One request on its own connection (node:http sends duplicate headers and raw paths as given). */
function send(baseUrl: string, request: FuzzRequest): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  // With headers as a list, node:http adds no Host header of its own.
  const hasHost = request.omitHost || request.headers.some(([name]) => name === 'host');
  const headers = hasHost ? request.headers : [['host', `${hostname}:${port}`], ...request.headers];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      { host: hostname, port: Number(port), method: request.method, path: request.path, headers: headers.flat(), agent: false, timeout: GIVE_UP_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${GIVE_UP_MS} ms`)));
    req.on('error', (error) => reject(new Error(`${error.message} (${describeRequest(request).slice(0, 300)})`)));
    req.end(request.body);
  });
}
