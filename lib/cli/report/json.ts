/**
 * `dcs-bigkey gate --format json`: a stable, documented schema for machines.
 *
 * Schema `dcs-bigkey-gate/v1` (fields are never removed or renamed within v1; new optional
 * fields may be added). The package ships it as JSON Schema: schemas/gate-report-v1.schema.json
 * (test/unit/schemas.test.ts keeps the two in agreement).
 *
 * {
 *   "schema": "dcs-bigkey-gate/v1",
 *   "generated_at": "2026-11-29T10:00:00.000Z",      ISO-8601 UTC: when the report was assembled
 *   "verdict": "pass" | "warn" | "blocked" | "error", the worst instance verdict
 *   "exit_code": 0 | 1 | 3,                           the command's exit code (0 pass/warn, 1 blocked, 3 a lookup failed)
 *   "summary": { "pass": n, "warn": n, "blocked": n, "error": n, "total": n },
 *   "instances": [                                    one per instance, in input order (fleet file order)
 *     {
 *       "name": "orders-cache" | null,                the fleet entry's name (or --name)
 *       "instance_id": "5560df16-…",
 *       "project_id": "0b6bd4e1…",
 *       "verdict": "pass" | "warn" | "blocked" | "error",
 *          pass: no finding; warn: only warning findings; blocked: an error-severity policy
 *          finding; error: the lookup failed (fail closed)
 *       "latest_auto": {                              the newest automatic scan (scan_type auto), or
 *         "id": "…", "status": "waiting|running|success|failed",   null when there is none or the lookup failed
 *         "created_at": "…", "started_at": "…" | null, "finished_at": "…" | null,
 *         "age_seconds": n | null                     whole seconds from finished_at to the evaluation;
 *       } | null,                                     null when it has not finished
 *       "tasks_read": n | null,                       tasks read (all statuses); null when the lookup failed
 *       "big_keys": {                                 the keys of the latest successful scan, read when
 *         "task_id": "…" | null,                      the big-keys policy is on (added within v1);
 *         "finished_at": "…" | null,                  task_id null: no successful scan
 *         "num": n | null,                            keys found
 *         "largest_string": Key | null,               Key: { "type", "size", "unit", "shard": "ip:port" | null, "db" }
 *         "largest_collection": Key | null            (never a key's name)
 *       } | null,                                     null when not read or the lookup failed
 *       "auto_scan": {                                the automatic analysis settings, read when the
 *         "enable_auto_scan": true | false,           auto-scan-enabled policy is on (added within v1)
 *         "schedule_at": ["02:00", …], "updated_at": "…" | null
 *       } | null,
 *       "policies": ["latest-auto-failed", …],        the policies evaluated, in the order checked
 *                                                     ("latest-auto-failed" | "max-auto-scan-age" |
 *                                                     "require-successful-scan" | "stuck-task" |
 *                                                     "big-keys" | "auto-scan-enabled"); never
 *                                                     empty (a gate that checks nothing is a usage
 *                                                     error); for a failed lookup, those that would
 *                                                     have been (added within v1)
 *       "findings": [                                 empty when the instance passes
 *         { "policy": "latest-auto-failed" | "max-auto-scan-age" | "require-successful-scan" | "stuck-task" | "big-keys" | "auto-scan-enabled" | "lookup-failed",
 *           "severity": "error" | "warning",
 *           "message": "…",                           says what, the task and its times, and what to do
 *           "task_id": "…" | null }                   the task the finding is based on
 *       ],
 *       "lookup_error": {                             null unless the lookup failed
 *         "name": "DcsApiError" | "DcsNetworkError" | "DcsMalformedResponseError" | "DcsConsistencyError" | …,
 *         "status": n | null, "error_code": "…" | null, "request_id": "…" | null
 *       } | null
 *     }
 *   ]
 * }
 */
import { BigKey } from '../../client/types';
import { largestCollection, largestString } from '../../policy/key-scan';
import { GateReport, InstanceResult } from './model';

export const GATE_JSON_SCHEMA = 'dcs-bigkey-gate/v1';

export interface GateJsonInstance {
  readonly name: string | null;
  readonly instance_id: string;
  readonly project_id: string;
  readonly verdict: string;
  readonly latest_auto: {
    readonly id: string;
    readonly status: string;
    readonly created_at: string;
    readonly started_at: string | null;
    readonly finished_at: string | null;
    readonly age_seconds: number | null;
  } | null;
  readonly tasks_read: number | null;
  readonly big_keys: {
    readonly task_id: string | null;
    readonly finished_at: string | null;
    readonly num: number | null;
    readonly largest_string: GateJsonKey | null;
    readonly largest_collection: GateJsonKey | null;
  } | null;
  readonly auto_scan: { readonly enable_auto_scan: boolean; readonly schedule_at: readonly string[]; readonly updated_at: string | null } | null;
  readonly policies: readonly string[];
  readonly findings: readonly { readonly policy: string; readonly severity: string; readonly message: string; readonly task_id: string | null }[];
  readonly lookup_error: { readonly name: string; readonly status: number | null; readonly error_code: string | null; readonly request_id: string | null } | null;
}

/** A key in a report: its type, size and place, never its name. */
export interface GateJsonKey {
  readonly type: string;
  readonly size: number;
  readonly unit: string;
  readonly shard: string | null;
  readonly db: number;
}

export interface GateJson {
  readonly schema: typeof GATE_JSON_SCHEMA;
  readonly generated_at: string;
  readonly verdict: string;
  readonly exit_code: number;
  readonly summary: { readonly pass: number; readonly warn: number; readonly blocked: number; readonly error: number; readonly total: number };
  readonly instances: readonly GateJsonInstance[];
}

export function toGateJson(report: GateReport): GateJson {
  return {
    schema: GATE_JSON_SCHEMA,
    generated_at: report.generatedAt.toISOString(),
    verdict: report.verdict,
    exit_code: report.exitCode,
    summary: { ...report.summary },
    instances: report.instances.map(instanceJson),
  };
}

function instanceJson(r: InstanceResult): GateJsonInstance {
  const a = r.latestAuto;
  return {
    name: r.name ?? null,
    instance_id: r.instanceId,
    project_id: r.projectId,
    verdict: r.verdict,
    latest_auto: a
      ? {
          id: a.id,
          status: a.status,
          created_at: a.created_at,
          started_at: a.started_at ?? null,
          finished_at: a.finished_at ?? null,
          age_seconds: r.latestAutoAgeMs === undefined ? null : Math.floor(r.latestAutoAgeMs / 1000),
        }
      : null,
    tasks_read: r.tasksRead ?? null,
    big_keys: r.keyScan === undefined
      ? null
      : {
          task_id: r.keyScan?.task_id ?? null,
          finished_at: r.keyScan?.finished_at ?? null,
          num: r.keyScan?.num ?? null,
          largest_string: keyJson(r.keyScan && largestString(r.keyScan.keys)),
          largest_collection: keyJson(r.keyScan && largestCollection(r.keyScan.keys)),
        },
    auto_scan: r.autoscan ? { enable_auto_scan: r.autoscan.enable_auto_scan, schedule_at: r.autoscan.schedule_at, updated_at: r.autoscan.updated_at ?? null } : null,
    policies: r.policies.map((p) => p.policy),
    findings: r.findings.map((f) => ({ policy: f.policy, severity: f.severity, message: f.message, task_id: f.taskId ?? null })),
    lookup_error: r.lookupError
      ? { name: r.lookupError.name, status: r.lookupError.status ?? null, error_code: r.lookupError.errorCode ?? null, request_id: r.lookupError.requestId ?? null }
      : null,
  };
}

function keyJson(key: BigKey | null | undefined): GateJsonKey | null {
  return key ? { type: key.type, size: key.size, unit: key.unit, shard: key.shard ?? null, db: key.db } : null;
}

export function renderGateJson(report: GateReport): string {
  return JSON.stringify(toGateJson(report), null, 2) + '\n';
}
