import { AbortedError, InputError, readingsFromFile, type Logger, type ReadBatch, type ReadProblem } from '@openamr/core/plugin-api';
import { FileCursor, type FileEntry } from './file-cursor.js';
import { namePattern } from './name-pattern.js';

/** A file in the folder, with a time to order by (ms since the epoch, NaN when unknown). */
export interface ListedFile extends FileEntry {
  time: number;
}

/**
 * A folder of readings files: on an FTP server or on a local disk. `list` and `download`
 * throw `ConnectionError`/`ProtocolError`/`ConfigError` when the whole folder is out of
 * reach, and `FileUnreadable` when only one file is.
 */
export interface FileSource {
  list(): Promise<ListedFile[]>;
  /** The file's whole content; never more than `maxBytes` (beyond that, `FileUnreadable`). */
  download(file: ListedFile, maxBytes: number): Promise<Buffer>;
  remove(file: ListedFile): Promise<void>;
}

/** One file cannot be read (too large, no permission, gone): a problem, the poll goes on. */
export class FileUnreadable extends Error {
  constructor(
    readonly code: 'file-too-large' | 'file-unreadable',
    message: string,
    /** Whether to record the file in the cursor, so it is not tried again until it changes. */
    readonly skipUntilChanged: boolean,
  ) {
    super(message);
  }
}

export interface FilePollSettings {
  pattern: string;
  maxFileMb: number;
  deleteAfterRead: boolean;
}

export const MB = 1024 * 1024;

export function tooLarge(file: ListedFile, maxBytes: number): FileUnreadable {
  return new FileUnreadable('file-too-large', `Файл ${file.name} больше ${+(maxBytes / MB).toFixed(3)} МБ: не прочитан`, true);
}

function byTimeThenName(a: ListedFile, b: ListedFile): number {
  const ta = Number.isNaN(a.time) ? 0 : a.time;
  const tb = Number.isNaN(b.time) ? 0 : b.time;
  return ta - tb || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError({ ru: 'Опрос прерван', en: 'The poll was aborted' }, {}, { cause: signal.reason });
}

/**
 * The files of a folder that are new or changed since `cursor`, one batch each, oldest
 * first. Every batch carries the cursor that includes its own file, so the core stores the
 * two together. With `deleteAfterRead` a file is deleted when the generator is resumed after
 * yielding its batch: the core asks for the next batch only once the previous one is stored.
 */
export async function* pollFiles(
  source: FileSource,
  settings: FilePollSettings,
  cursorText: string | undefined,
  ctx: { signal: AbortSignal; logger: Logger },
): AsyncGenerator<ReadBatch> {
  const matches = namePattern(settings.pattern);
  const maxBytes = Math.floor(settings.maxFileMb * MB);
  throwIfAborted(ctx.signal);
  const listing = (await source.list()).filter((f) => matches(f.name));
  const parsed = FileCursor.parse(cursorText);
  if (parsed.damaged) ctx.logger.warn({ cursor: cursorText?.slice(0, 200) }, 'unreadable cursor: every file is read again');
  let cursor = parsed.cursor.prunedTo(listing);
  const pending = listing.filter((f) => !cursor.has(f)).sort(byTimeThenName);

  for (const file of pending) {
    throwIfAborted(ctx.signal);
    let batch: ReadBatch;
    try {
      if (file.size > maxBytes) throw tooLarge(file, maxBytes);
      const content = await source.download(file, maxBytes);
      throwIfAborted(ctx.signal);
      batch = await readingsFromFile({ name: file.name, content });
    } catch (err) {
      if (!(err instanceof FileUnreadable) && !(err instanceof InputError)) throw err;
      const problem: ReadProblem =
        err instanceof InputError
          ? { code: 'bad-file', message: err.messageIn('ru'), file: file.name, ...(err.details.line !== undefined ? { line: err.details.line } : {}) }
          : { code: err.code, message: err.message, file: file.name };
      if (!(err instanceof FileUnreadable) || err.skipUntilChanged) cursor = cursor.with(file);
      yield { source: file.name, cursor: cursor.toString(), readings: [], problems: [problem] };
      continue;
    }
    cursor = cursor.with(file);
    yield { ...batch, source: file.name, cursor: cursor.toString() };
    if (settings.deleteAfterRead) {
      throwIfAborted(ctx.signal);
      try {
        await source.remove(file);
      } catch (err) {
        ctx.logger.warn({ err, file: file.name }, 'could not delete a file after reading it; it stays and is skipped while unchanged');
      }
    }
  }
}
