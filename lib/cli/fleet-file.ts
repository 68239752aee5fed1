/**
 * The fleet file of `dcs-bigkey gate --fleet FILE`: many instances gated in one run.
 *
 *   {
 *     "defaults": {                                    optional; applies to every entry
 *       "project_id": "0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b",
 *       "region": "cn-north-4",                         or "endpoint": "https://…" (not both)
 *       "policies": { "latestAutoFailed": "error", "maxAutoScanAge": { "maxAge": "7d" } }
 *     },
 *     "instances": [                                   at least one; each instance id once
 *       { "name": "orders-cache", "instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79" },
 *       { "instance_id": "…", "project_id": "…", "endpoint": "http://127.0.0.1:8080",
 *         "policies": { "requireSuccessfulScan": "warning", "latestAutoFailed": "off" } }
 *     ]
 *   }
 *
 * `policies` uses the GatePolicies field names of lib/policy (latestAutoFailed,
 * maxAutoScanAge {maxAge, severity?}, requireSuccessfulScan, stuckTask {maxDuration, severity?},
 * bigKeys {maxCount?, maxStringBytes?, maxMembers?, severity?}, autoScanEnabled,
 * onLookupFailure); `"off"` (or its synonym `null`) turns a policy off for that layer. Layers,
 * lowest first: the headline policy (latestAutoFailed "error", on unless turned off), the
 * command's policy flags, `defaults.policies`, the entry's `policies`. An entry whose policies
 * are all off is refused (a gate that checks nothing must not run). An entry's `region`/`endpoint`
 * replaces the defaults' location; anything left unset comes from the environment.
 * Keys starting with `$` (e.g. `$comment`, and `"$schema": "…/schemas/fleet-file.schema.json"` so
 * editors complete and check the file) are ignored; any other unknown key is an error. The JSON
 * Schema in schemas/ says the same (test/unit/schemas.test.ts checks they agree).
 *
 * The whole file is checked before any request, every value where it is written (also a
 * default an entry overrides): every error names the entry (index and name), the field and
 * the value.
 */
import { DcsConfigError } from '../client/errors';
import { REGION_SHAPE } from '../client/endpoint';
import { show, validateEndpoint, validateInstanceId, validateProjectId } from '../client/validation';
import { GatePolicies, POLICY_KEYS_OF, resolveGatePolicies, Severity } from '../policy/gate-policy';
import { FileReadError, parseJsonText, readBoundedTextFile } from '../util/bounded-file';
import { UsageError } from './io';


/** One layer of policies from a fleet file (or the command's flags); `"off"` or `null` turns a policy off. */
export type PolicyLayer = { -readonly [K in keyof GatePolicies]?: GatePolicies[K] | 'off' | null };

/** The policies a fleet file knows: those of the big key analysis (the gate reads big key tasks). */
export const POLICY_KEYS = [...POLICY_KEYS_OF.bigkey, 'onLookupFailure'] as const;

export interface FleetLocation {
  readonly projectId?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

export interface FleetEntry {
  readonly index: number;
  readonly name?: string;
  readonly instanceId: string;
  readonly location: FleetLocation;
  readonly policies?: PolicyLayer;
  /** How errors name this entry, e.g. `instances[3] ("orders-cache")`. */
  readonly where: string;
}

export interface FleetFile {
  readonly file: string;
  readonly defaults: { readonly location: FleetLocation; readonly policies?: PolicyLayer };
  readonly instances: readonly FleetEntry[];
}

/** Upper bound on entries: a typo'd generator should not start a million lookups. */
export const MAX_FLEET_INSTANCES = 100_000;

/** Upper bound on the file itself (about 300 bytes per entry at the entry limit). */
export const MAX_FLEET_FILE_BYTES = 32 * 1024 * 1024;

/** What the environment allows in a fleet file (read where the command runs). */
export interface FleetFileOptions {
  /** DCS_BIGKEY_ALLOW_INSECURE_HTTP=1: http:// endpoints beyond loopback hosts. @default false */
  readonly allowInsecureHttp?: boolean;
}

export function readFleetFile(file: string, options: FleetFileOptions = {}): FleetFile {
  let text: string;
  try {
    text = readBoundedTextFile(file, MAX_FLEET_FILE_BYTES, 'fleet file');
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(error.message);
    throw error;
  }
  return parseFleetFile(text, file, options);
}

export function parseFleetFile(text: string, file: string, options: FleetFileOptions = {}): FleetFile {
  const fail = (message: string): never => {
    throw new UsageError(`fleet file ${file}: ${message}`);
  };
  // (A byte order mark was dropped where the file was read: readBoundedTextFile.)
  const parsed = parseJsonText(text);
  if (!parsed.ok) return fail(`not valid JSON (${parsed.problem})`);
  const json = parsed.value;
  const root = object(json, 'the top level', fail);
  knownKeys(root, ['defaults', 'instances'], 'the top level', fail);

  const defaultsRaw = root.defaults === undefined ? {} : object(root.defaults, 'defaults', fail);
  knownKeys(defaultsRaw, ['project_id', 'region', 'endpoint', 'policies'], 'defaults', fail);
  const defaults = {
    location: location(defaultsRaw, 'defaults', fail, options),
    ...(defaultsRaw.policies !== undefined ? { policies: policyLayer(defaultsRaw.policies, 'defaults.policies', fail) } : {}),
  };

  if (!Array.isArray(root.instances)) return fail(`instances is ${show(root.instances)}: expected an array of {"instance_id": "…"} entries`);
  if (root.instances.length === 0) return fail('instances is empty: list at least one instance (a gate over nothing would pass without checking anything)');
  if (root.instances.length > MAX_FLEET_INSTANCES) return fail(`instances has ${root.instances.length} entries: at most ${MAX_FLEET_INSTANCES}; split the fleet into several files`);

  const seen = new Map<string, string>();
  const instances = root.instances.map((raw: unknown, index: number): FleetEntry => {
    let where = `instances[${index}]`;
    const entry = object(raw, where, fail);
    if (entry.name !== undefined) {
      if (typeof entry.name !== 'string' || entry.name.trim() === '' || [...entry.name].length > 128 || /[\u0000-\u001f\u007f]/.test(entry.name)) {
        fail(`${where}.name is ${show(entry.name)}: expected a non-empty string of at most 128 characters without control characters`);
      }
      where = `${where} (${JSON.stringify(entry.name)})`;
    }
    knownKeys(entry, ['name', 'instance_id', 'project_id', 'region', 'endpoint', 'policies'], where, fail);
    if (entry.instance_id === undefined) fail(`${where} has no instance_id: every entry needs the DCS instance id (a UUID)`);
    let instanceId = '';
    try {
      instanceId = validateInstanceId(entry.instance_id, `${where}.instance_id`);
    } catch (error) {
      fail((error as Error).message);
    }
    const previous = seen.get(instanceId);
    if (previous !== undefined) fail(`${where}.instance_id ${show(entry.instance_id)} is already listed as ${previous}: list each instance once`);
    seen.set(instanceId, where);
    return {
      index,
      ...(entry.name !== undefined ? { name: entry.name as string } : {}),
      instanceId,
      location: location(entry, where, fail, options),
      ...(entry.policies !== undefined ? { policies: policyLayer(entry.policies, `${where}.policies`, fail) } : {}),
      where,
    };
  });
  return { file, defaults, instances };
}

type Fail = (message: string) => never;
type Json = Record<string, unknown>;

function object(value: unknown, where: string, fail: Fail): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${where} is ${show(value)}: expected an object`);
  return value as Json;
}

function knownKeys(value: Json, allowed: readonly string[], where: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (key.startsWith('$') || allowed.includes(key)) continue;
    fail(`${where} has an unknown field ${show(key)}: expected ${allowed.join(', ')} (or a "$comment")`);
  }
}

function optionalString(value: unknown, where: string, fail: Fail): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') return fail(`${where} is ${show(value)}: expected a non-empty string`);
  return value;
}

function location(value: Json, where: string, fail: Fail, options: FleetFileOptions): FleetLocation {
  const projectId = optionalString(value.project_id, `${where}.project_id`, fail);
  const region = optionalString(value.region, `${where}.region`, fail);
  const endpoint = optionalString(value.endpoint, `${where}.endpoint`, fail);
  if (region !== undefined && endpoint !== undefined) {
    fail(`${where} has both region ${show(region)} and endpoint ${show(endpoint)}: give one (the endpoint is derived from the region)`);
  }
  // Checked where written, even where an entry's own values leave them unused: a typo is a typo.
  try {
    if (projectId !== undefined) validateProjectId(projectId, `${where}.project_id`);
    if (endpoint !== undefined) validateEndpoint(endpoint, `${where}.endpoint`, { allowInsecureHttp: options.allowInsecureHttp === true });
  } catch (error) {
    fail((error as Error).message);
  }
  if (region !== undefined && !REGION_SHAPE.test(region)) fail(`${where}.region is ${show(region)}: expected a region name such as cn-north-4`);
  return { ...(projectId ? { projectId } : {}), ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
}

/** Checks a policies object's shape, then its values through lib/policy's own resolver. */
function policyLayer(value: unknown, where: string, fail: Fail): PolicyLayer {
  const raw = object(value, where, fail);
  knownKeys(raw, POLICY_KEYS, where, fail);
  const severity = (key: string): Severity | 'off' | null | undefined => {
    const v = raw[key];
    if (v === undefined || v === null || v === 'off') return v as undefined | null | 'off';
    if (v !== 'error' && v !== 'warning') fail(`${where}.${key} is ${show(v)}: expected "error", "warning" or "off"`);
    return v as Severity;
  };
  const withDuration = (key: string, field: string) => {
    const v = raw[key];
    if (v === undefined || v === null || v === 'off') return v as undefined | null | 'off';
    const o = object(v, `${where}.${key}`, fail);
    knownKeys(o, [field, 'severity'], `${where}.${key}`, fail);
    const d = o[field];
    if (typeof d !== 'string' && typeof d !== 'number') fail(`${where}.${key}.${field} is ${show(d)}: expected a duration such as "90m", "36h", "7d" or "1d12h"`);
    if (o.severity !== undefined && o.severity !== 'error' && o.severity !== 'warning') {
      fail(`${where}.${key}.severity is ${show(o.severity)}: expected "error" or "warning"`);
    }
    return { [field]: d, ...(o.severity !== undefined ? { severity: o.severity } : {}) };
  };
  const keyLimits = () => {
    const v = raw.bigKeys;
    if (v === undefined || v === null || v === 'off') return v as undefined | null | 'off';
    const o = object(v, `${where}.bigKeys`, fail);
    knownKeys(o, ['maxCount', 'maxStringBytes', 'maxMembers', 'severity'], `${where}.bigKeys`, fail);
    for (const field of ['maxCount', 'maxMembers']) {
      if (o[field] !== undefined && typeof o[field] !== 'number') fail(`${where}.bigKeys.${field} is ${show(o[field])}: expected an integer`);
    }
    if (o.maxStringBytes !== undefined && typeof o.maxStringBytes !== 'number' && typeof o.maxStringBytes !== 'string') {
      fail(`${where}.bigKeys.maxStringBytes is ${show(o.maxStringBytes)}: expected bytes, or a size such as "10MB"`);
    }
    // Values (bounds, the size grammar, at least one limit, the severity) are checked by lib/policy below.
    return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('$'))) as PolicyLayer['bigKeys'];
  };
  const layer: PolicyLayer = {
    ...(raw.latestAutoFailed !== undefined ? { latestAutoFailed: severity('latestAutoFailed') } : {}),
    ...(raw.maxAutoScanAge !== undefined ? { maxAutoScanAge: withDuration('maxAutoScanAge', 'maxAge') as PolicyLayer['maxAutoScanAge'] } : {}),
    ...(raw.requireSuccessfulScan !== undefined ? { requireSuccessfulScan: severity('requireSuccessfulScan') } : {}),
    ...(raw.stuckTask !== undefined ? { stuckTask: withDuration('stuckTask', 'maxDuration') as PolicyLayer['stuckTask'] } : {}),
    ...(raw.bigKeys !== undefined ? { bigKeys: keyLimits() } : {}),
    ...(raw.autoScanEnabled !== undefined ? { autoScanEnabled: severity('autoScanEnabled') } : {}),
    ...(raw.onLookupFailure !== undefined ? { onLookupFailure: severity('onLookupFailure') } : {}),
  };
  try {
    resolveGatePolicies(withoutNulls(layer), where);
  } catch (error) {
    if (error instanceof DcsConfigError) fail(error.message);
    throw error;
  }
  return layer;
}

/**
 * A layer as GatePolicies: a policy turned off (`"off"` or `null`) is dropped, except the
 * headline policy, which is on unless it says `'off'`.
 */
export function withoutNulls(layer: PolicyLayer): GatePolicies {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    const off = value === null || value === 'off';
    if (key === 'latestAutoFailed' && off) out[key] = 'off';
    else if (!off && value !== undefined) out[key] = value;
  }
  return out as GatePolicies;
}


