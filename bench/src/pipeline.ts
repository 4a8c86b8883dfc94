/**
 * The hl7-core pipeline steps the processor runs after parsing: validation, result JSON and
 * the FHIR R4 bundle. Each is timed on its own (parse + validate, parse + toResult) and then
 * cumulatively (parse + toResult + toFhirBundle), so the cost of every step shows as the
 * difference between rows. They are looked up at run time, so the benchmark runs before they
 * exist and picks them up once hl7-core exports them.
 */
import { parse } from '@hl7gw/hl7-core';

/** The validation profile the processor applies by default (validate.ts `ProfileChoice`). */
export const VALIDATION_PROFILE = 'strict';

/** A pipeline to time, or why it cannot be. */
export type PipelineStep =
  | { readonly name: string; readonly run: (text: string) => number }
  | { readonly name: string; readonly unavailable: string };

type AnyFunction = (...args: unknown[]) => unknown;

/** A size for whatever a step returns, so that its work is used. */
function weight(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return Object.keys(value).length;
  return value === undefined ? 0 : 1;
}

/**
 * The pipelines: parse + validate, parse + toResult, both, parse + toResult + toFhirBundle,
 * and the processor's whole path, parse + validate + toResult + toFhirBundle; each built from the
 * hl7-core exports present now, a missing export making the step "not available yet".
 */
export async function pipelineSteps(): Promise<PipelineStep[]> {
  const core = (await import('@hl7gw/hl7-core')) as unknown as Record<string, unknown>;
  const exported = (name: string): AnyFunction | undefined =>
    typeof core[name] === 'function' ? (core[name] as AnyFunction) : undefined;
  const validate = exported('validate');
  const toResult = exported('toResult');
  const toFhirBundle = exported('toFhirBundle');

  const step = (
    name: string,
    needs: Record<string, AnyFunction | undefined>,
    run: (text: string) => number,
  ): PipelineStep => {
    const missing = Object.keys(needs).filter((key) => needs[key] === undefined);
    return missing.length === 0
      ? { name, run }
      : { name, unavailable: `not available yet (${missing.join(', ')})` };
  };
  const validated = (text: string): unknown =>
    (validate as AnyFunction)(parse(text), { profile: VALIDATION_PROFILE });
  const mapped = (text: string): unknown => (toResult as AnyFunction)(parse(text));

  return [
    step('parse + validate', { validate }, (text) => weight(validated(text))),
    step('parse + toResult', { toResult }, (text) => weight(mapped(text))),
    step('parse + validate + toResult', { validate, toResult }, (text) => {
      const message = parse(text);
      const validation = (validate as AnyFunction)(message, { profile: VALIDATION_PROFILE });
      return weight(validation) + weight((toResult as AnyFunction)(message));
    }),
    step('parse + toResult + toFhirBundle', { toResult, toFhirBundle }, (text) =>
      weight((toFhirBundle as AnyFunction)(mapped(text))),
    ),
    step(
      'parse + validate + toResult + toFhirBundle',
      { validate, toResult, toFhirBundle },
      (text) => {
        const message = parse(text);
        const validation = (validate as AnyFunction)(message, { profile: VALIDATION_PROFILE });
        const bundle = (toFhirBundle as AnyFunction)((toResult as AnyFunction)(message));
        return weight(validation) + weight(bundle);
      },
    ),
  ];
}
