/**
 * The JSON Schemas shipped in schemas/, compiled with ajv (a dev dependency only), and a check
 * that a document carries no field its schema does not declare (the v1 report schema allows
 * unknown fields for forward compatibility, so validation alone would not catch one).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';

export const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', 'schemas');
export const fleetSchema = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, 'fleet-file.schema.json'), 'utf8'));
export const reportSchema = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, 'gate-report-v1.schema.json'), 'utf8'));

// Strict, except for `not: { required: [region, endpoint] }` ("not both"), which strictRequired reads as a typo.
const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, formats: { 'date-time': true } });
export const validFleet = ajv.compile(fleetSchema);
export const validReport = ajv.compile(reportSchema);

/** Paths of object keys in `doc` that the schema (the draft-07 subset used here) does not declare. */
export function undeclared(doc: unknown, schema: any = reportSchema, root: any = schema, at = '$'): string[] {
  if (schema?.$ref) return undeclared(doc, resolveRef(root, schema.$ref), root, at);
  if (doc === null || typeof doc !== 'object') return [];
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (alternatives.length > 0) {
    const results = alternatives.map((alt: any) => undeclared(doc, alt, root, at));
    return results.find((r: string[]) => r.length === 0) ?? results[0];
  }
  if (Array.isArray(doc)) return doc.flatMap((item, i) => undeclared(item, schema.items ?? {}, root, `${at}[${i}]`));
  const properties = schema.properties ?? {};
  return Object.entries(doc).flatMap(([key, value]) => (key in properties ? undeclared(value, properties[key], root, `${at}.${key}`) : [`${at}.${key}`]));
}

function resolveRef(root: any, ref: string): any {
  return ref.replace(/^#\//, '').split('/').reduce((node, part) => node[part], root);
}

/** Fails with ajv's errors, or the undeclared fields, when a real report does not match schemas/gate-report-v1.schema.json. */
export function expectValidGateReport(doc: unknown): void {
  expect(validReport(doc) ? [] : validReport.errors).toEqual([]);
  expect(undeclared(doc)).toEqual([]);
}
