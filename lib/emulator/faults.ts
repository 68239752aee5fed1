/**
 * Fault injection: rules that make the emulator misbehave the way a real gateway or service
 * can (slow answers, throttling, 5xx, dropped connections, broken bodies, data changing
 * between page reads), so a client's retry, timeout and paging logic can be proven.
 *
 * A rule is the same JSON object in the data file (`faults: [...]`) and in the admin API
 * (`POST /_emulator/faults`):
 *
 *   { "kind": "latency" | "throttle" | "rate_limit" | "error" | "reset" | "malformed" | "mutate" |
 *             "bad_count" | "huge" | "redirect",
 *     "instance_id": "<uuid>" | "*",          default "*"  (every instance)
 *     "route": a route name, or an array of them, or "any"; default "list" (only GET …/bigkey-tasks).
 *              Names: list, show, create, delete, autoscan (big key: …/bigkey-tasks, GET and
 *              DELETE …/bigkey-task/{id}, POST …/bigkey-task, GET …/bigkey/autoscan) and
 *              hotkey_list, hotkey_show, hotkey_create, hotkey_delete, hotkey_autoscan (the same
 *              for hot keys)
 *     one selection, or none (= every matching request):
 *       "count": N    the first N matching requests, then the rule is spent
 *       "every": N    every Nth matching request (N, 2N, …)
 *       "ratio": r    0 < r <= 1; the k-th matching request is hit when
 *                     floor(k*r) > floor((k-1)*r): exactly a fraction r, evenly spread,
 *                     deterministic (no randomness, so tests can assert exact counts)
 *     kind parameters:
 *       latency   "ms" (required): added before responding, on top of any other rule
 *       throttle  "retry_after_s" (integer >= 0, default 1): 429 APIGW.0308 + Retry-After
 *       rate_limit  the account-level limit of Huawei's API gateway: a token bucket per access key
 *                 (the emulator's stand-in for an account), shared by every request the rule
 *                 matches; "rate" (requests per second, > 0, required), "burst" (bucket size,
 *                 integer >= 1, default one second's worth: ceil(rate)); a request that finds the
 *                 bucket empty is answered 429 APIGW.0308 with Retry-After "retry_after_s"
 *                 (integer >= 0; default the whole seconds until the next token, rounded up).
 *                 No count/every/ratio: the bucket decides which requests are refused.
 *       error     "status" 500|502|503|504 (default 500), optional "error_code"/"error_msg"
 *       reset     destroy the socket without any response
 *       malformed "mode": "truncated" (200, a cut-off JSON body) |
 *                         "schema" (200, valid JSON, a record with an unknown status and no created_at;
 *                         autoscan settings with "enable_auto_scan": "yes") |
 *                         "keys" (task details whose first key has size -1 and, for hot keys, freq 256;
 *                         a key is added when there is none)
 *       mutate    after a list page is served, insert a new newest task (auto, running) in that
 *                 list (route list, hotkey_list or any); "keep_count": true also deletes the oldest
 *                 task so `count` stays the same
 *       bad_count a lying server: the list page is served with `count` replaced by "value"
 *                 (required; any number >= 0, e.g. 1e15), the records unchanged
 *       huge      200 with a body of "mib" MiB (required, 1-1024), streamed (never held in
 *                 memory): `{"instance_id":…,"count":0,"records":[` padded with spaces;
 *                 "length": "declared" (default: a Content-Length header) | "chunked" (none),
 *                 so a client's declared-size check and its byte counting can both be proven
 *       redirect  "status" 301|302|303|307|308 (default 302) with a "location" header
 *                 (default "https://dcs.example.invalid/") and an empty body }
 *
 * Semantics when several rules match one request: every rule counts every request it matches,
 * independently of the others (so a rule's selection does not depend on which other rules
 * exist); all hit latency rules add up; among hit throttle/error/reset/malformed/bad_count/
 * huge/redirect rules the earliest added one decides the response; mutate rules act only when the list page was
 * actually served (status 200).
 */
import {
  childPath,
  expectBoolean,
  expectInteger,
  expectKeys,
  expectNumber,
  expectObject,
  expectOneOf,
  expectString,
  expectUuid,
  fail,
  show,
} from './validate';

export const FAULT_KINDS = ['latency', 'throttle', 'rate_limit', 'error', 'reset', 'malformed', 'mutate', 'bad_count', 'huge', 'redirect'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Every emulated DCS route, by name: big key routes, then their hot key twins. */
export const DCS_ROUTE_NAMES = ['list', 'show', 'create', 'delete', 'autoscan', 'hotkey_list', 'hotkey_show', 'hotkey_create', 'hotkey_delete', 'hotkey_autoscan'] as const;
/** Which emulated route a request is on. */
export type DcsRouteName = (typeof DCS_ROUTE_NAMES)[number];
/** The two list routes (what `mutate` acts on). */
export const LIST_ROUTES: readonly DcsRouteName[] = ['list', 'hotkey_list'];
export const FAULT_ROUTES = [...DCS_ROUTE_NAMES, 'any'] as const;
/** A route name (`list`: only `GET …/bigkey-tasks`), or `any`: every DCS route (never the admin API). */
export type FaultRoute = (typeof FAULT_ROUTES)[number];
/** 403 stands for an IAM denial (documented status, undocumented code); the 5xx for service failures. */
export const FAULT_ERROR_STATUSES = [403, 500, 502, 503, 504] as const;
export type FaultErrorStatus = (typeof FAULT_ERROR_STATUSES)[number];
export const MALFORMED_MODES = ['truncated', 'schema', 'keys'] as const;
export type MalformedMode = (typeof MALFORMED_MODES)[number];
export const HUGE_LENGTHS = ['declared', 'chunked'] as const;
export const REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;
export type RedirectStatus = (typeof REDIRECT_STATUSES)[number];

/** Fields every rule may have: where it applies and which matching requests it hits. */
export interface FaultCommon {
  /** Instance the rule applies to, or `*` for all. @default "*" */
  readonly instance_id?: string;
  /** One route, several, or `any`. @default "list" */
  readonly route?: FaultRoute | readonly FaultRoute[];
  /** Hit the first N matching requests, then the rule is spent. */
  readonly count?: number;
  /** Hit every Nth matching request. */
  readonly every?: number;
  /** Hit exactly a fraction r (0 < r <= 1) of matching requests, evenly spread. */
  readonly ratio?: number;
}
export interface LatencyFault extends FaultCommon {
  readonly kind: 'latency';
  readonly ms: number;
}
export interface ThrottleFault extends FaultCommon {
  readonly kind: 'throttle';
  /** `Retry-After` seconds. @default 1 */
  readonly retry_after_s?: number;
}
export interface RateLimitFault extends Omit<FaultCommon, 'count' | 'every' | 'ratio'> {
  readonly kind: 'rate_limit';
  /** Sustained rate, requests per second. */
  readonly rate: number;
  /** Bucket size: requests accepted at once after a quiet spell. @default ceil(rate) */
  readonly burst?: number;
  /** `Retry-After` seconds. @default the whole seconds until the bucket has a token again, rounded up */
  readonly retry_after_s?: number;
}
export interface ErrorFault extends FaultCommon {
  readonly kind: 'error';
  /** @default 500 */
  readonly status?: FaultErrorStatus;
  readonly error_code?: string;
  readonly error_msg?: string;
}
export interface ResetFault extends FaultCommon {
  readonly kind: 'reset';
}
export interface MalformedFault extends FaultCommon {
  readonly kind: 'malformed';
  readonly mode: MalformedMode;
}
export interface MutateFault extends FaultCommon {
  readonly kind: 'mutate';
  readonly keep_count?: boolean;
}
export interface BadCountFault extends FaultCommon {
  readonly kind: 'bad_count';
  /** The `count` served instead of the real one. */
  readonly value: number;
}
export interface HugeFault extends FaultCommon {
  readonly kind: 'huge';
  /** Body size in MiB. */
  readonly mib: number;
  /** @default "declared" (a Content-Length header); "chunked": none */
  readonly length?: (typeof HUGE_LENGTHS)[number];
}
export interface RedirectFault extends FaultCommon {
  readonly kind: 'redirect';
  /** @default 302 */
  readonly status?: RedirectStatus;
  /** @default "https://dcs.example.invalid/" */
  readonly location?: string;
}
export type FaultSpec =
  | LatencyFault | ThrottleFault | RateLimitFault | ErrorFault | ResetFault | MalformedFault | MutateFault | BadCountFault | HugeFault | RedirectFault;

/** A rule as the emulator holds it, with its counters (what `GET /_emulator/faults` shows). */
export interface FaultState {
  readonly id: string;
  /** The rule with defaults filled in. */
  readonly spec: FaultSpec;
  /** Requests that matched instance and route (while the rule was not spent). */
  readonly matched: number;
  /** Requests the rule was applied to. */
  readonly hits: number;
  /** True once a `count` rule has hit N requests. */
  readonly spent: boolean;
}

const SELECTOR_KEYS = ['count', 'every', 'ratio'] as const;
const COMMON_KEYS = ['kind', 'instance_id', 'route', ...SELECTOR_KEYS] as const;
const KIND_KEYS: Record<FaultKind, readonly string[]> = {
  latency: ['ms'],
  throttle: ['retry_after_s'],
  rate_limit: ['rate', 'burst', 'retry_after_s'],
  error: ['status', 'error_code', 'error_msg'],
  reset: [],
  malformed: ['mode'],
  mutate: ['keep_count'],
  bad_count: ['value'],
  huge: ['mib', 'length'],
  redirect: ['status', 'location'],
};

/** Validates one rule and fills in defaults; errors name the bad field under `field`. */
export function validateFault(value: unknown, field: string): FaultSpec {
  const raw = expectObject(value, field);
  const kind = expectOneOf(raw.kind, FAULT_KINDS, childPath(field, 'kind'));
  const selectors = SELECTOR_KEYS.filter((key) => raw[key] !== undefined);
  if (kind === 'rate_limit' && selectors.length > 0) fail(field, `a rate_limit rule takes no ${selectors.join(' or ')}: its token bucket decides which requests are refused`);
  expectKeys(raw, [...COMMON_KEYS.filter((key) => kind !== 'rate_limit' || !(SELECTOR_KEYS as readonly string[]).includes(key)), ...KIND_KEYS[kind]], field);
  const instance_id = raw.instance_id === undefined || raw.instance_id === '*' ? '*' : expectUuid(raw.instance_id, childPath(field, 'instance_id'), 'an instance id or "*"');
  const route = validateRoute(raw.route, childPath(field, 'route'));
  if (selectors.length > 1) fail(field, `must have at most one of count, every, ratio (got ${selectors.join(' and ')})`);
  const common: FaultCommon = {
    instance_id,
    route,
    ...(raw.count !== undefined && { count: expectInteger(raw.count, childPath(field, 'count'), 1) }),
    ...(raw.every !== undefined && { every: expectInteger(raw.every, childPath(field, 'every'), 1) }),
    ...(raw.ratio !== undefined && { ratio: expectNumber(raw.ratio, childPath(field, 'ratio'), (r) => r > 0 && r <= 1, 'a number with 0 < ratio <= 1') }),
  };
  switch (kind) {
    case 'rate_limit': {
      const rate = expectNumber(raw.rate, childPath(field, 'rate'), (r) => r > 0 && r <= 1_000_000, 'a number of requests per second, > 0 and <= 1000000');
      return {
        kind,
        instance_id,
        route,
        rate,
        burst: raw.burst === undefined ? Math.ceil(rate) : expectInteger(raw.burst, childPath(field, 'burst'), 1, 1_000_000),
        ...(raw.retry_after_s !== undefined && { retry_after_s: expectInteger(raw.retry_after_s, childPath(field, 'retry_after_s'), 0, 86_400) }),
      };
    }
    case 'latency':
      return { kind, ...common, ms: expectInteger(raw.ms, childPath(field, 'ms'), 0, 600_000) };
    case 'throttle':
      return { kind, ...common, retry_after_s: raw.retry_after_s === undefined ? 1 : expectInteger(raw.retry_after_s, childPath(field, 'retry_after_s'), 0, 86_400) };
    case 'error':
      return {
        kind,
        ...common,
        status: statusField(raw.status, FAULT_ERROR_STATUSES, 500, field),
        ...(raw.error_code !== undefined && { error_code: expectString(raw.error_code, childPath(field, 'error_code')) }),
        ...(raw.error_msg !== undefined && { error_msg: expectString(raw.error_msg, childPath(field, 'error_msg')) }),
      };
    case 'reset':
      return { kind, ...common };
    case 'malformed':
      return { kind, ...common, mode: expectOneOf(raw.mode, MALFORMED_MODES, childPath(field, 'mode')) };
    case 'mutate':
      return { kind, ...common, keep_count: raw.keep_count === undefined ? false : expectBoolean(raw.keep_count, childPath(field, 'keep_count')) };
    case 'bad_count':
      return { kind, ...common, value: expectNumber(raw.value, childPath(field, 'value'), (n) => Number.isFinite(n) && n >= 0, 'a number >= 0') };
    case 'huge':
      return {
        kind,
        ...common,
        mib: expectInteger(raw.mib, childPath(field, 'mib'), 1, 1024),
        length: raw.length === undefined ? 'declared' : expectOneOf(raw.length, HUGE_LENGTHS, childPath(field, 'length')),
      };
    case 'redirect':
      return {
        kind,
        ...common,
        status: statusField(raw.status, REDIRECT_STATUSES, 302, field),
        location: raw.location === undefined ? 'https://dcs.example.invalid/' : expectString(raw.location, childPath(field, 'location')),
      };
  }
}

/** A rule's `route`: a route name, a non-empty array of them, or "any"; "list" when absent. */
function validateRoute(value: unknown, field: string): FaultRoute | readonly FaultRoute[] {
  if (value === undefined) return 'list';
  if (!Array.isArray(value)) return expectOneOf(value, FAULT_ROUTES, field);
  if (value.length === 0) fail(field, `must name at least one route (got [])`);
  return value.map((item, i) => expectOneOf(item, FAULT_ROUTES, childPath(field, i)));
}

/** A rule's `status`: one of `allowed`, `fallback` when absent. */
function statusField<T extends number>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  const status = value === undefined ? fallback : value;
  if (!(allowed as readonly unknown[]).includes(status)) fail(childPath(field, 'status'), `must be one of ${allowed.join(', ')} (got ${show(value)})`);
  return status as T;
}

/** Validates a rule or an array of rules (the admin API accepts both). */
export function validateFaults(value: unknown, field: string): FaultSpec[] {
  if (Array.isArray(value)) return value.map((item, index) => validateFault(item, childPath(field, index)));
  return [validateFault(value, field)];
}


/** What the rules decided for one request. */
export interface FaultPlan {
  /** Total injected latency. */
  readonly latencyMs: number;
  /** The rule that replaces (or alters) the normal response, if any (a rate_limit with its Retry-After resolved). */
  readonly outcome?: ThrottleFault | RateLimitOutcome | ErrorFault | ResetFault | MalformedFault | BadCountFault | HugeFault | RedirectFault;
  /** Mutations to apply after the list page is served. */
  readonly mutations: readonly MutateFault[];
}

/** A rate_limit rule's verdict on one request: 429 with this Retry-After. */
export type RateLimitOutcome = RateLimitFault & { readonly retry_after_s: number };

/** One request as the rules see it. */
export interface FaultRequest {
  readonly instanceId: string;
  readonly route: DcsRouteName;
  /** The access key that signed it (rate_limit keeps one bucket per key). */
  readonly accessKey: string;
}

interface Rule {
  readonly id: string;
  readonly spec: FaultSpec;
  matched: number;
  hits: number;
  spent: boolean;
  /** rate_limit only: the bucket of each access key. */
  readonly buckets: Map<string, TokenBucket>;
}

/** A gateway's token bucket: `burst` tokens, refilled at `rate` per second. */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token; returns 0, or the milliseconds until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) / this.rate) * 1000;
  }
}

/** The live rule set: add/remove rules and decide, request by request, which ones apply. */
export class FaultSet {
  private rules: Rule[] = [];
  private nextId = 1;

  /** `now`: a monotonic clock in milliseconds for the token buckets. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Adds already validated rules; returns their ids in order. */
  add(specs: readonly FaultSpec[]): string[] {
    return specs.map((spec) => {
      const rule: Rule = { id: `fault-${this.nextId++}`, spec, matched: 0, hits: 0, spent: false, buckets: new Map() };
      this.rules.push(rule);
      return rule.id;
    });
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule; returns how many there were. */
  clear(): number {
    const removed = this.rules.length;
    this.rules = [];
    return removed;
  }

  list(): FaultState[] {
    return this.rules.map(({ id, spec, matched, hits, spent }) => ({ id, spec, matched, hits, spent }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** Called exactly once per DCS request: advances the counters and returns what applies. */
  select(request: FaultRequest): FaultPlan {
    let latencyMs = 0;
    let outcome: FaultPlan['outcome'];
    const mutations: MutateFault[] = [];
    for (const rule of this.rules) {
      if (rule.spent || !matches(rule.spec, request)) continue;
      rule.matched += 1;
      if (rule.spec.kind === 'rate_limit') {
        const waitMs = this.takeToken(rule, rule.spec, request.accessKey);
        if (waitMs === 0) continue;
        rule.hits += 1;
        outcome ??= { ...rule.spec, retry_after_s: rule.spec.retry_after_s ?? Math.ceil(waitMs / 1000) };
        continue;
      }
      if (!isSelected(rule.spec, rule.matched)) continue;
      rule.hits += 1;
      if (rule.spec.count !== undefined && rule.hits >= rule.spec.count) rule.spent = true;
      const spec = rule.spec;
      if (spec.kind === 'latency') latencyMs += spec.ms;
      else if (spec.kind === 'mutate') mutations.push(spec);
      else outcome ??= spec;
    }
    return { latencyMs, outcome, mutations };
  }

  private takeToken(rule: Rule, spec: RateLimitFault, accessKey: string): number {
    const now = this.now();
    let bucket = rule.buckets.get(accessKey);
    if (!bucket) {
      bucket = new TokenBucket(spec.rate, spec.burst ?? Math.ceil(spec.rate), now);
      rule.buckets.set(accessKey, bucket);
    }
    return bucket.take(now);
  }
}

function matches(spec: FaultSpec, request: Pick<FaultRequest, 'instanceId' | 'route'>): boolean {
  if (spec.instance_id !== undefined && spec.instance_id !== '*' && spec.instance_id !== request.instanceId) return false;
  const routes: readonly FaultRoute[] = spec.route === undefined ? ['list'] : typeof spec.route === 'string' ? [spec.route] : spec.route;
  // mutate only ever acts on list responses, whatever its route says.
  if (spec.kind === 'mutate' && !LIST_ROUTES.includes(request.route)) return false;
  return routes.includes('any') || routes.includes(request.route);
}

/**
 * Whether the k-th matching request (k starting at 1) is hit. `ratio` uses the floor rule
 * with a tiny epsilon: floating point makes e.g. 100 * 0.29 = 28.999999999999996, and
 * without it a ratio of 0.29 would hit 28 of 100 requests instead of 29.
 */
export function isSelected(spec: Pick<FaultCommon, 'count' | 'every' | 'ratio'>, k: number): boolean {
  if (spec.every !== undefined) return k % spec.every === 0;
  if (spec.ratio !== undefined) return Math.floor(k * spec.ratio + 1e-9) > Math.floor((k - 1) * spec.ratio + 1e-9);
  return true; // `count` is enforced by spending the rule; none = every request
}

