/** The apps that ship, in deployment order. */
export declare const APPS: readonly ['ingest', 'processor', 'deadletter'];
/** Files read at run time rather than bundled, by package; shipped under `node_modules/`. */
export declare const RUNTIME_FILES: Readonly<Record<string, readonly string[]>>;
/** Where packages go by default: `dist/packages` at the repository root. */
export declare const DEFAULT_OUT_DIR: string;
/** One packaged app. */
export interface PackagedApp {
  app: string;
  path: string;
  sizeBytes: number;
  files: string[];
}
/** Bundles and zips one app. */
export declare function packageApp(
  app: string,
  options?: { outDir?: string },
): Promise<PackagedApp>;
/** Packages several apps (all by default), one after another. */
export declare function packageApps(options?: {
  outDir?: string;
  apps?: string[];
}): Promise<PackagedApp[]>;
