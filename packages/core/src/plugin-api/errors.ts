/**
 * Typed errors shared by the core and plugins. They carry no HTTP status:
 * one translator per channel (the HTTP `onPreResponse`, the poll runner, the CLI)
 * maps them, so a plugin never needs to know how its error reaches the user.
 */

/** Text in the two UI languages; Russian comes first. A plain string is used for both. */
export type LocalizedText = string | { ru: string; en: string };

export function textIn(text: LocalizedText, lang: 'ru' | 'en'): string {
  return typeof text === 'string' ? text : text[lang];
}

export interface ErrorDetails {
  /** Where the problem is: a field path, `file:line:column`, a plugin id… */
  field?: string;
  file?: string;
  line?: number;
  column?: number;
  [key: string]: unknown;
}

export abstract class OpenAmrError extends Error {
  abstract readonly kind: string;
  readonly text: LocalizedText;
  readonly details: ErrorDetails;

  constructor(text: LocalizedText, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(textIn(text, 'ru'), options);
    this.text = text;
    this.details = details;
    this.name = new.target.name;
  }

  messageIn(lang: 'ru' | 'en'): string {
    return textIn(this.text, lang);
  }
}

/** Configuration is wrong (plugin options, driver settings, env): the deployer or operator must fix it. */
export class ConfigError extends OpenAmrError {
  readonly kind = 'config';
}

/** The peer (concentrator, gateway, broker) cannot be reached or dropped the connection. */
export class ConnectionError extends OpenAmrError {
  readonly kind = 'connection';
}

/** The peer answered, but not as the protocol says. */
export class ProtocolError extends OpenAmrError {
  readonly kind = 'protocol';
}

/** Input the user must fix (a request field, a file line, a calculation that cannot be done). */
export class InputError extends OpenAmrError {
  readonly kind = 'input';
}

/** The thing asked for does not exist. */
export class NotFoundError extends OpenAmrError {
  readonly kind = 'not-found';
}

/** The change conflicts with the current state (duplicate serial, attached meter…). */
export class ConflictError extends OpenAmrError {
  readonly kind = 'conflict';
}

/** The caller may not do this. */
export class ForbiddenError extends OpenAmrError {
  readonly kind = 'forbidden';
}

/** The operation was cancelled through its AbortSignal (timeout or shutdown). */
export class AbortedError extends OpenAmrError {
  readonly kind = 'aborted';
}
