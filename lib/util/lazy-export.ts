/**
 * An export whose module is loaded when the export is first read, not when the package is
 * required (CommonJS: a getter on `exports`). Declare its type with `export declare const`.
 */
export function lazyExport(target: object, name: string, load: () => unknown): void {
  let value: unknown;
  let loaded = false;
  Object.defineProperty(target, name, {
    enumerable: true,
    get: () => {
      if (!loaded) {
        value = load();
        loaded = true;
      }
      return value;
    },
  });
}
