import { badRequest } from './graph-errors';

/**
 * A small OData $filter subset: eq/ne/gt/ge/lt/le, and/or/not, parentheses, string,
 * number, boolean and null literals, property paths (a/b), lambda any/all
 * (singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq '...')) and
 * startswith/contains. Enough for what calendar sync clients send.
 */
type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'path'; parts: string[] }
  | { t: 'cmp'; op: string; l: Node; r: Node }
  | { t: 'and' | 'or'; l: Node; r: Node }
  | { t: 'not'; e: Node }
  | { t: 'lambda'; fn: 'any' | 'all'; collection: string[]; v: string; body: Node }
  | { t: 'call'; fn: string; args: Node[] };

type Token = { k: 'str' | 'num' | 'id' | 'op'; v: string };

const filterError = (message: string) => badRequest(`Invalid filter clause: ${message}`, 'BadRequest');

/**
 * Deepest expression tree accepted (parentheses, not, and/or chains, lambdas). OData's
 * parser refuses deep trees ("Recursion depth exceeded allowed limit.", FilterLimit);
 * the emulator's limit is lower than OData's default of 800 so that neither parsing nor
 * evaluation can exhaust the stack, and a deep filter is a clear 400, never a 500.
 */
export const MAX_FILTER_DEPTH = 100;
const tooDeep = () => filterError('Recursion depth exceeded allowed limit.');

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw filterError('unterminated string literal');
        if (src[i] === "'" && src[i + 1] === "'") {
          v += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          break;
        } else v += src[i++];
      }
      tokens.push({ k: 'str', v });
    } else if ('()/,:'.includes(c)) {
      tokens.push({ k: 'op', v: c });
      i++;
    } else if (/[-0-9]/.test(c) && /[0-9]/.test(src[i + 1] ?? c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i))!;
      tokens.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_$@][\w.$@-]*/.exec(src.slice(i));
      if (!m) throw filterError(`unexpected character '${c}'`);
      tokens.push({ k: 'id', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  /** Open or()/not() calls: bounds the parser's own recursion. */
  private nesting = 0;
  /** Height of each built node: bounds the evaluator's recursion. */
  private readonly heights = new WeakMap<Node, number>();
  constructor(private readonly tokens: Token[]) {}

  private node<T extends Node>(n: T, ...children: Node[]): T {
    const height = 1 + Math.max(0, ...children.map((c) => this.heights.get(c) ?? 1));
    if (height > MAX_FILTER_DEPTH) throw tooDeep();
    this.heights.set(n, height);
    return n;
  }

  private nested<T>(parse: () => T): T {
    if (++this.nesting > MAX_FILTER_DEPTH) throw tooDeep();
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) throw filterError(`unexpected '${this.tokens[this.pos].v}'`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.k === 'id' && t.v.toLowerCase() === word;
  }

  private expectOp(op: string): void {
    const t = this.tokens[this.pos++];
    if (t?.k !== 'op' || t.v !== op) throw filterError(`expected '${op}'`);
  }

  private or(): Node {
    return this.nested(() => {
      let l = this.and();
      while (this.isWord('or')) {
        this.pos++;
        const r = this.and();
        l = this.node({ t: 'or', l, r }, l, r);
      }
      return l;
    });
  }

  private and(): Node {
    let l = this.not();
    while (this.isWord('and')) {
      this.pos++;
      const r = this.not();
      l = this.node({ t: 'and', l, r }, l, r);
    }
    return l;
  }

  private not(): Node {
    if (this.isWord('not')) {
      this.pos++;
      const e = this.nested(() => this.not());
      return this.node({ t: 'not', e }, e);
    }
    return this.comparison();
  }

  private comparison(): Node {
    const l = this.primary();
    const t = this.peek();
    if (t?.k === 'id' && ['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(t.v.toLowerCase())) {
      this.pos++;
      const r = this.primary();
      return this.node({ t: 'cmp', op: t.v.toLowerCase(), l, r }, l, r);
    }
    return l;
  }

  private primary(): Node {
    const t = this.tokens[this.pos++];
    if (!t) throw filterError('unexpected end of expression');
    if (t.k === 'op' && t.v === '(') {
      const inner = this.or();
      this.expectOp(')');
      return inner;
    }
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'num') return { t: 'lit', v: Number(t.v) };
    if (t.k !== 'id') throw filterError(`unexpected '${t.v}'`);
    const word = t.v.toLowerCase();
    if (word === 'true' || word === 'false') return { t: 'lit', v: word === 'true' };
    if (word === 'null') return { t: 'lit', v: null };
    if (this.peek()?.v === '(' && ['startswith', 'endswith', 'contains'].includes(word)) return this.call(word);
    return this.path(t.v);
  }

  private call(fn: string): Node {
    this.expectOp('(');
    const args = [this.or()];
    while (this.peek()?.v === ',') {
      this.pos++;
      args.push(this.or());
    }
    this.expectOp(')');
    return this.node({ t: 'call', fn, args }, ...args);
  }

  private path(first: string): Node {
    const parts = [first];
    while (this.peek()?.v === '/') {
      this.pos++;
      const next = this.tokens[this.pos++];
      if (next?.k !== 'id') throw filterError('expected a property name after /');
      const lower = next.v.toLowerCase();
      if ((lower === 'any' || lower === 'all') && this.peek()?.v === '(') {
        this.expectOp('(');
        const v = this.tokens[this.pos++];
        if (v?.k !== 'id') throw filterError('expected a lambda variable');
        this.expectOp(':');
        const body = this.or();
        this.expectOp(')');
        return this.node({ t: 'lambda', fn: lower, collection: parts, v: v.v, body }, body);
      }
      parts.push(next.v);
    }
    return { t: 'path', parts };
  }
}

export type FilterPredicate = (item: Record<string, unknown>) => boolean;

export function parseFilter(expression: string): FilterPredicate {
  const ast = new Parser(tokenize(expression)).parse();
  return (item) => Boolean(evaluate(ast, item, new Map()));
}

function getProp(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const record = obj as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function resolvePath(parts: string[], root: unknown, scope: Map<string, unknown>): unknown {
  let current: unknown = scope.has(parts[0]) ? scope.get(parts[0]) : getProp(root, parts[0]);
  for (const part of parts.slice(1)) current = getProp(current, part);
  return current;
}

/** Exchange compares strings case-insensitively. */
function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const l = norm(a ?? null);
  const r = norm(b ?? null);
  switch (op) {
    case 'eq':
      return l === r;
    case 'ne':
      return l !== r;
    default: {
      if (l === null || r === null) return false;
      const x = l as string | number;
      const y = r as string | number;
      return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
    }
  }
}

function evaluate(node: Node, root: unknown, scope: Map<string, unknown>): unknown {
  switch (node.t) {
    case 'lit':
      return node.v;
    case 'path':
      return resolvePath(node.parts, root, scope);
    case 'cmp':
      return compare(node.op, evaluate(node.l, root, scope), evaluate(node.r, root, scope));
    case 'and':
      return Boolean(evaluate(node.l, root, scope)) && Boolean(evaluate(node.r, root, scope));
    case 'or':
      return Boolean(evaluate(node.l, root, scope)) || Boolean(evaluate(node.r, root, scope));
    case 'not':
      return !evaluate(node.e, root, scope);
    case 'lambda': {
      const collection = resolvePath(node.collection, root, scope);
      const items = Array.isArray(collection) ? collection : [];
      const test = (el: unknown) => Boolean(evaluate(node.body, root, new Map(scope).set(node.v, el)));
      return node.fn === 'any' ? items.some(test) : items.every(test);
    }
    case 'call': {
      const [a, b] = node.args.map((arg) => norm(evaluate(arg, root, scope)));
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      return node.fn === 'startswith' ? a.startsWith(b) : node.fn === 'endswith' ? a.endsWith(b) : a.includes(b);
    }
  }
}
