/**
 * The framework of a scope: cdktf 0.21, or CDK Terrain (`cdktn` >= 0.24), its maintained fork
 * with the same API under another package name. The one place the library loads either.
 *
 * The constructs must build with the package their stack comes from: cdktn's synth calls
 * methods a cdktf element lacks (mixing the two crashes synth), and each package keeps aspects
 * under its own non-global symbol (an aspect added through the other package's `Aspects` is
 * never visited: a gate that passes silently). Both packages mark their classes with the same
 * `Symbol.for("cdktf/…")` markers, so `TerraformStack.isStack` cannot tell them apart; a stack
 * is matched with `instanceof` against each installed package's class instead.
 *
 * Both are optional peer dependencies, loaded lazily with require: the client, policy, lookup,
 * command and emulator layers never load either, and the package loads with neither installed.
 */
import type * as Cdktf from 'cdktf';
import { IConstruct } from 'constructs';
import { DcsConfigError } from '../client/errors';
import { FRAMEWORK_PACKAGES, FrameworkName } from './terraform-types';


/** The API the constructs use. cdktn's is the same as cdktf's, under another package name. */
export type FrameworkApi = typeof Cdktf;

export interface Framework {
  readonly name: FrameworkName;
  readonly api: FrameworkApi;
}

/** Anything that can be registered with a framework's `Aspects`. */
export interface Aspect {
  visit(node: IConstruct): void;
}

/** The optional provider package for the `null-resource` form of the consumer gate. */
export const NULL_PROVIDER_PACKAGE = '@cdktf/provider-null';

const STACK_MARKER = Symbol.for('cdktf/TerraformStack');
const loaded = new Map<string, unknown>();

/**
 * Requires an optional package once; undefined when it is not installed. A package that is
 * installed but fails to load (one of its own dependencies missing, say) is an error, not "absent".
 */
function tryRequire<T>(name: string): T | undefined {
  if (!loaded.has(name)) {
    let value: unknown;
    try {
      value = require(name);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes(`'${name}'`)) throw error;
      value = undefined;
    }
    loaded.set(name, value);
  }
  return loaded.get(name) as T | undefined;
}

/** The frameworks installed where this library is, in a fixed order. */
export function installedFrameworks(): Framework[] {
  return FRAMEWORK_PACKAGES.flatMap((name) => {
    const api = tryRequire<FrameworkApi>(name);
    return api ? [{ name, api }] : [];
  });
}

/** Where each framework package resolves from here; null when it is not installed. */
const resolvedFiles = new Map<string, string | null>();

/**
 * The installed frameworks this process has already loaded. A stack, an App or an element can
 * only be an instance of a loaded package's class, so these are all a scope needs to be matched
 * against — without loading the other framework (about 50 ms) where both are installed.
 */
function loadedFrameworks(): Framework[] {
  return FRAMEWORK_PACKAGES.flatMap((name) => {
    if (!resolvedFiles.has(name)) {
      let file: string | null;
      try {
        file = require.resolve(name);
      } catch {
        file = null;
      }
      resolvedFiles.set(name, file);
    }
    const file = resolvedFiles.get(name);
    const api = file && require.cache[file] ? tryRequire<FrameworkApi>(name) : undefined;
    return api ? [{ name, api }] : [];
  });
}

/**
 * The framework of the stack `scope` is in. Throws a DcsConfigError (prefixed with `where`) when
 * neither framework is installed, when the scope is in no stack, when its stack comes from a
 * copy of cdktf/cdktn other than the one this library loads, or when its App is of the other
 * framework.
 */
export function frameworkOf(scope: IConstruct, where: string): Framework {
  const loaded = loadedFrameworks();
  // The nearest enclosing stack, matched against the frameworks loaded so far (the usual case).
  for (const node of [...scope.node.scopes].reverse()) {
    const framework = loaded.find((f) => node instanceof f.api.TerraformStack);
    if (framework) {
      checkApp(scope, framework, loaded, where);
      return framework;
    }
    if (STACK_MARKER in node) break;
  }
  // Otherwise find out why, loading every installed framework.
  const installed = installedFrameworks();
  if (installed.length === 0) {
    throw new DcsConfigError(`${where}: neither cdktf nor cdktn is installed; install the one your app uses (npm install cdktn constructs, or npm install cdktf constructs)`);
  }
  // Nearest enclosing stack first.
  for (const node of [...scope.node.scopes].reverse()) {
    const framework = installed.find((f) => node instanceof f.api.TerraformStack);
    if (framework) {
      checkApp(scope, framework, installed, where);
      return framework;
    }
    if (STACK_MARKER in node) {
      throw new DcsConfigError(
        `${where}: the stack ${node.node.path} is a TerraformStack of a copy of cdktf/cdktn that this library does not load ` +
          `(it loads ${installed.map((f) => f.name).join(' and ')} from where it is installed); make the app and cdktf-dcs-bigkey resolve the same package (npm ls cdktf cdktn shows the copies, npm dedupe merges them)`,
      );
    }
  }
  throw new DcsConfigError(`${where}: not inside a TerraformStack; create it inside a stack (new TerraformStack(app, 'name')) so that its outputs and gates are synthesized`);
}

function checkApp(scope: IConstruct, framework: Framework, installed: readonly Framework[], where: string): void {
  const root = scope.node.root;
  const appFramework = installed.find((f) => root instanceof f.api.App);
  if (appFramework && appFramework !== framework) {
    throw new DcsConfigError(`${where}: the stack is a ${framework.name} TerraformStack but its App is a ${appFramework.name} App; build the app with one framework (import App and TerraformStack from the same package)`);
  }
}

/** The framework whose Terraform element `element` is, if any installed one. */
export function elementFramework(element: unknown): FrameworkName | undefined {
  return loadedFrameworks().find((f) => element instanceof f.api.TerraformElement)?.name;
}

/**
 * Registers `aspect` on `target` with the framework's own `Aspects` and checks that it is there:
 * a gate that is not registered is never visited at synth, and would pass silently.
 */
export function addAspect(framework: Framework, target: IConstruct, aspect: Aspect, where: string): void {
  const aspects = framework.api.Aspects.of(target);
  aspects.add(aspect);
  if (!aspects.all.includes(aspect)) {
    throw new DcsConfigError(`${where}: the gate could not be registered with ${framework.name}'s Aspects, so synth would never check it; report this with your ${framework.name} version`);
  }
}

/** `@cdktf/provider-null`, loaded only when the `null-resource` form of the consumer gate is chosen. */
export function loadNullProvider(framework: Framework, where: string): typeof import('@cdktf/provider-null') {
  if (framework.name !== 'cdktf') {
    throw new DcsConfigError(`${where}: enforcement 'null-resource' needs ${NULL_PROVIDER_PACKAGE}, which is built on cdktf and cannot be used in a ${framework.name} stack (${framework.name} would crash at synth); use 'terraform-data' (the default), which needs no provider`);
  }
  const nullProvider = tryRequire<typeof import('@cdktf/provider-null')>(NULL_PROVIDER_PACKAGE);
  if (!nullProvider) {
    throw new DcsConfigError(`${where}: enforcement 'null-resource' needs ${NULL_PROVIDER_PACKAGE}, which is not installed; npm install ${NULL_PROVIDER_PACKAGE}, or use 'terraform-data' (the default), which needs no provider`);
  }
  return nullProvider;
}
