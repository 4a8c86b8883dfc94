/**
 * Request bodies checked against the JSON Schema their route declares (ajv, draft
 * 2020-12, the dialect of OpenAPI 3.1), so the document and the check are one schema.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

import { GatewayError } from '../gateway-error.js';
import type { RouteDeclaration } from './route.js';

/** Parses and checks a JSON body; throws `GatewayError` `BAD_REQUEST` naming the place at fault. */
export type BodyValidator = (text: string) => unknown;

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

let shared: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (shared === undefined) {
    shared = new Ajv2020({ allErrors: false, strict: false });
    addFormats(shared);
  }
  return shared;
}

/** The validator of a route's `application/json` body schema, or undefined when it has none. */
export function compileBodySchema(declaration: RouteDeclaration): BodyValidator | undefined {
  const schema = declaration.requestBody?.content['application/json']?.schema;
  if (schema === undefined) return undefined;
  const check = ajv().compile(schema);
  const required = declaration.requestBody?.required === true;

  return (text) => {
    if (text.trim() === '') {
      if (required) throw new GatewayError('BAD_REQUEST', 'The request needs a JSON body');
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new GatewayError('BAD_REQUEST', 'The body is not valid JSON', { cause: error });
    }
    if (!check(value)) {
      const [first] = check.errors ?? [];
      const where = first?.instancePath === '' || first === undefined ? '/' : first.instancePath;
      // ajv's messages name the rule (type, enum, required), never the value sent.
      throw new GatewayError(
        'BAD_REQUEST',
        `The body breaks its schema at ${where}: ${first?.message ?? 'invalid'}`,
        { location: where },
      );
    }
    return value;
  };
}
