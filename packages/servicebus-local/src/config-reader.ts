/**
 * Typed reads from the untyped JSON of a `Config.json`, each one naming the JSON path it read
 * so that a bad setting fails with a message that points at it.
 */

import { ConfigError } from './config-error.js';
import { parseDurationMs } from './duration.js';

const NAME_PATTERN = /^[A-Za-z0-9](?:[\w\-./]*[A-Za-z0-9])?$/;

/** A JSON object read from the document, with the path it was found at. */
export interface JsonObject {
  readonly path: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Reads settings out of JSON objects and collects warnings about settings it does not know. */
export class ConfigReader {
  readonly warnings: string[] = [];

  /** The object at `path`, or `undefined` when `value` is absent or null. */
  optionalObject(value: unknown, path: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError('INVALID_SETTING', path, `must be an object, not ${typeOf(value)}`);
    }
    return { path, fields: value as Record<string, unknown> };
  }

  /** The object at `path`. */
  object(value: unknown, path: string): JsonObject {
    const object = this.optionalObject(value, path);
    if (!object) throw new ConfigError('MISSING_SETTING', path, 'is required');
    return object;
  }

  /** The array at `object.key`, each item with its path; an absent array is empty. */
  array(object: JsonObject, key: string): { value: unknown; path: string }[] {
    const value = object.fields[key];
    const path = jsonPath(object, key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      throw new ConfigError('INVALID_SETTING', path, `must be an array, not ${typeOf(value)}`);
    }
    return value.map((item: unknown, index) => ({ value: item, path: `${path}[${index}]` }));
  }

  /** Warns about every key of `object` that is not in `known`, suggesting a near miss. */
  checkKeys(object: JsonObject, known: readonly string[]): void {
    for (const key of Object.keys(object.fields)) {
      if (known.includes(key)) continue;

      const nearMiss = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
      const hint = nearMiss ? ` (did you mean ${nearMiss}?)` : '';
      this.warnings.push(`${jsonPath(object, key)}: unknown setting, ignored${hint}`);
    }
  }

  /** The string at `object.key`, or `undefined` when absent, null or empty. */
  optionalString(object: JsonObject, key: string): string | undefined {
    const value = object.fields[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      const path = jsonPath(object, key);
      throw new ConfigError('INVALID_SETTING', path, `must be a string, not ${typeOf(value)}`);
    }
    return value;
  }

  /** The string at `object.key`, which must be present and not empty. */
  string(object: JsonObject, key: string): string {
    const value = this.optionalString(object, key);
    if (value === undefined)
      throw new ConfigError('MISSING_SETTING', jsonPath(object, key), 'is required');
    return value;
  }

  /**
   * The `Name` of an entity, subscription or rule: up to `maxLength` letters, digits, `.`, `-`,
   * `_` or `/`, starting and ending with a letter or digit, as the emulator's schema allows.
   */
  name(entity: JsonObject, maxLength: number): string {
    const name = this.string(entity, 'Name');
    if (!NAME_PATTERN.test(name) || name.length > maxLength) {
      throw new ConfigError(
        'INVALID_SETTING',
        `${entity.path}.Name`,
        `'${name}' is not a valid name: up to ${maxLength} letters, digits, '.', '-', '_' or ` +
          "'/', starting and ending with a letter or digit",
      );
    }
    return name;
  }

  /** The boolean at `object.key`, or `fallback` when absent or null. */
  boolean(object: JsonObject, key: string, fallback: boolean): boolean {
    const value = object.fields[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      const path = jsonPath(object, key);
      throw new ConfigError('INVALID_SETTING', path, `must be true or false, not ${typeOf(value)}`);
    }
    return value;
  }

  /** The integer at `object.key`, at least `minimum`, or `fallback` when absent or null. */
  integer(object: JsonObject, key: string, fallback: number, minimum: number): number {
    const value = object.fields[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
      const path = jsonPath(object, key);
      const found = typeof value === 'number' ? String(value) : typeOf(value);
      throw new ConfigError(
        'INVALID_SETTING',
        path,
        `must be an integer of at least ${minimum}, not ${found}`,
      );
    }
    return value;
  }

  /** The ISO 8601 duration at `object.key` in ms, above zero, or `fallbackMs` when absent. */
  durationMs(object: JsonObject, key: string, fallbackMs: number): number {
    const text = this.optionalString(object, key);
    if (text === undefined) return fallbackMs;

    const path = jsonPath(object, key);
    let durationMs: number;
    try {
      durationMs = parseDurationMs(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError('INVALID_SETTING', path, reason, { cause: error });
    }
    if (durationMs <= 0)
      throw new ConfigError('INVALID_SETTING', path, `must be longer than zero, not '${text}'`);
    return durationMs;
  }
}

/** The path of `key` inside `object`: `UserConfig.Namespaces`, or `UserConfig` at the root. */
function jsonPath(object: JsonObject, key: string): string {
  return object.path === '' ? key : `${object.path}.${key}`;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string '${value}'`;
  return `${typeof value} ${String(value)}`;
}
