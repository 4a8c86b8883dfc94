/**
 * The message's own delimiters, read from MSH-1 and MSH-2 (HL7 v2.5.1 section 2.5.4).
 */

/** The separators and escape character of one message. */
export interface Delimiters {
  /** MSH-1: the field separator, usually `|`. */
  readonly field: string;
  /** MSH-2 first character: the component separator, usually `^`. */
  readonly component: string;
  /** MSH-2 second character: the repetition separator, usually `~`. */
  readonly repetition: string;
  /** MSH-2 third character: the escape character, usually `\`; empty when the message has none. */
  readonly escape: string;
  /** MSH-2 fourth character: the subcomponent separator, usually `&`. */
  readonly subcomponent: string;
  /** MSH-2 fifth character (v2.7 and later): the truncation character, usually `#`; or empty. */
  readonly truncation: string;
}

/** The delimiters HL7 recommends, used when building new messages. */
export const DEFAULT_DELIMITERS: Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/** MSH-2 as it should be written for `delimiters`: the encoding characters in spec order. */
export function encodingCharacters(delimiters: Delimiters): string {
  return (
    delimiters.component +
    delimiters.repetition +
    delimiters.escape +
    delimiters.subcomponent +
    delimiters.truncation
  );
}
