/** A file as a folder lists it: what decides whether it was read already. */
export interface FileEntry {
  /** The name relative to the polled folder (`a.csv`, or `sub/a.csv` when reading recursively). */
  name: string;
  size: number;
  /** The modification time as the source gives it: ISO 8601, or the raw FTP `LIST` text. */
  mtime: string;
}

const VERSION = 1;

/**
 * The files already read, as the core stores them after each batch:
 * `{"v":1,"files":[["a.csv",58,"2024-02-01T10:00:00.000Z"], ...]}`.
 */
export class FileCursor {
  private readonly files = new Map<string, FileEntry>();

  private constructor(entries: Iterable<FileEntry>) {
    for (const e of entries) this.files.set(e.name, e);
  }

  /** An unreadable cursor (another driver's, or damaged) reads as empty: re-reading is harmless. */
  static parse(text: string | undefined): { cursor: FileCursor; damaged: boolean } {
    if (text === undefined || text === '') return { cursor: new FileCursor([]), damaged: false };
    try {
      const json = JSON.parse(text) as { v?: unknown; files?: unknown };
      if (json.v !== VERSION || !Array.isArray(json.files)) throw new Error('not a file cursor');
      const entries = json.files.map((f: unknown) => {
        if (!Array.isArray(f) || typeof f[0] !== 'string' || typeof f[1] !== 'number' || typeof f[2] !== 'string') throw new Error('bad entry');
        return { name: f[0], size: f[1], mtime: f[2] };
      });
      return { cursor: new FileCursor(entries), damaged: false };
    } catch {
      return { cursor: new FileCursor([]), damaged: true };
    }
  }

  /** True when the file was read with exactly this size and modification time. */
  has(entry: FileEntry): boolean {
    const known = this.files.get(entry.name);
    return known !== undefined && known.size === entry.size && known.mtime === entry.mtime;
  }

  /** The cursor without the files that are gone from the folder. */
  prunedTo(present: readonly FileEntry[]): FileCursor {
    const names = new Set(present.map((e) => e.name));
    return new FileCursor([...this.files.values()].filter((e) => names.has(e.name)));
  }

  with(entry: FileEntry): FileCursor {
    return new FileCursor([...this.files.values(), entry]);
  }

  toString(): string {
    return JSON.stringify({ v: VERSION, files: [...this.files.values()].map((e) => [e.name, e.size, e.mtime]) });
  }
}
