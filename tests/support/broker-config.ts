/**
 * The broker's entities for a test: the gateway's own `config/servicebus.json` with extra
 * subscriptions on `hl7-results` that a test reads results from, written to a file so a
 * broker in a child process can read the same config.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A subscription a test adds to `hl7-results`. */
export interface TestSubscription {
  /** Its name. */
  name: string;
  /** A SQL filter on the result properties (`abnormal = true`); every result when absent. */
  sql?: string;
}

/** The subscription tests read results from unless they name another. */
export const RESULTS_SUBSCRIPTION: TestSubscription = { name: 'e2e-results' };

/**
 * Where the repository's root is, as a file URL ending in `/`: the nearest folder up with
 * `pnpm-workspace.yaml`, so the same code works from `tests/support` and compiled elsewhere.
 */
export const REPO_ROOT = findRoot(new URL('./', import.meta.url));

function findRoot(from: URL): URL {
  for (let dir = from; ; dir = new URL('../', dir)) {
    if (existsSync(fileURLToPath(new URL('pnpm-workspace.yaml', dir)))) return dir;
    if (dir.pathname === '/') throw new Error('no pnpm-workspace.yaml above tests/support');
  }
}

interface ConfigFile {
  UserConfig: {
    Namespaces: {
      Topics: { Name: string; Subscriptions: Record<string, unknown>[] }[];
    }[];
  };
}

/**
 * Writes `config/servicebus.json` plus `subscriptions` to `<dir>/servicebus.json` and
 * returns the path and the text.
 */
export async function writeBrokerConfig(
  dir: string,
  subscriptions: readonly TestSubscription[],
): Promise<{ path: string; text: string }> {
  const source = await readFile(new URL('config/servicebus.json', REPO_ROOT), 'utf8');
  const config = JSON.parse(source) as ConfigFile;
  const topic = config.UserConfig.Namespaces[0]?.Topics.find((t) => t.Name === 'hl7-results');
  if (topic === undefined) throw new Error('config/servicebus.json has no hl7-results topic');
  for (const subscription of subscriptions) {
    topic.Subscriptions.push({
      Name: subscription.name,
      Properties: {
        DeadLetteringOnMessageExpiration: true,
        DefaultMessageTimeToLive: 'P14D',
        LockDuration: 'PT1M',
        MaxDeliveryCount: 5,
        RequiresSession: false,
      },
      ...(subscription.sql === undefined
        ? {}
        : {
            Rules: [
              {
                Name: `${subscription.name}-rule`,
                Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: subscription.sql } },
              },
            ],
          }),
    });
  }
  const text = JSON.stringify(config, null, 2);
  const path = join(dir, 'servicebus.json');
  await writeFile(path, text);
  return { path, text };
}

/** The built `functions.js` of each app, as file URLs; throws naming any not built. */
export function appModules(): URL[] {
  return ['ingest', 'processor', 'deadletter'].map(
    (name) => new URL(`apps/${name}/dist/functions.js`, REPO_ROOT),
  );
}
