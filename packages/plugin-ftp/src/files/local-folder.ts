import { constants } from 'node:fs';
import { access, lstat, open, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { AbortedError, ConfigError, ConnectionError } from '@openamr/core/plugin-api';
import { FileUnreadable, tooLarge, type FileSource, type ListedFile } from './poll-files.js';

export interface LocalFolderSettings {
  path: string;
  recursive: boolean;
}

/** Errors that say the configured path is wrong, not that the disk is failing. */
const PATH_CODES = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG']);

/**
 * A folder on this machine that a concentrator writes to (a share, an upload directory).
 * Only regular files inside the folder are read; a symbolic link is followed only when its
 * target is inside the folder too, and sub-folders only when `recursive` (never through a link).
 */
export class LocalFolder implements FileSource {
  private root = '';

  constructor(
    private readonly settings: LocalFolderSettings,
    private readonly signal: AbortSignal,
  ) {}

  /** Resolves the folder and checks it can be listed: a wrong path is a `ConfigError`. */
  async open(): Promise<void> {
    const { path } = this.settings;
    try {
      this.root = await realpath(path);
      if (!(await stat(this.root)).isDirectory()) {
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      }
      await access(this.root, constants.R_OK | constants.X_OK);
    } catch (err) {
      throw this.folderError(err);
    }
  }

  async list(): Promise<ListedFile[]> {
    const files: ListedFile[] = [];
    try {
      await this.walk(this.root, files);
    } catch (err) {
      throw this.folderError(err);
    }
    return files;
  }

  async download(file: ListedFile, maxBytes: number): Promise<Buffer> {
    this.throwIfAborted();
    let handle;
    try {
      const real = await this.inside(join(this.root, file.name));
      if (!real) throw new FileUnreadable('file-unreadable', `Файл ${file.name} ведёт за пределы папки ${this.settings.path}: не прочитан`, false);
      handle = await open(real, 'r');
      const st = await handle.stat();
      if (!st.isFile()) throw new FileUnreadable('file-unreadable', `${file.name} — не обычный файл: не прочитан`, false);
      if (st.size > maxBytes) throw tooLarge(file, maxBytes);
      return await handle.readFile({ signal: this.signal });
    } catch (err) {
      if (err instanceof FileUnreadable) throw err;
      this.throwIfAborted();
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (PATH_CODES.has(code)) throw new FileUnreadable('file-unreadable', `Файл ${file.name} недоступен: ${(err as Error).message}`, false);
      throw this.folderError(err);
    } finally {
      await handle?.close();
    }
  }

  async remove(file: ListedFile): Promise<void> {
    await unlink(join(this.root, file.name));
  }

  private async walk(dir: string, into: ListedFile[]): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      this.throwIfAborted();
      const full = join(dir, entry.name);
      const name = relative(this.root, full).split(sep).join('/');
      if (entry.isDirectory()) {
        if (this.settings.recursive) await this.walk(full, into);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const real = await this.inside(full);
      if (!real) continue;
      const st = await stat(real).catch(() => undefined);
      if (!st?.isFile()) continue;
      into.push({ name, size: st.size, mtime: st.mtime.toISOString(), time: st.mtimeMs });
    }
  }

  /** The real path of `full` when it stays inside the folder, else undefined (a link escaping it, or gone). */
  private async inside(full: string): Promise<string | undefined> {
    const real = await realpath(full).catch(() => undefined);
    if (!real) return undefined;
    const rel = relative(this.root, real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? real : undefined;
  }

  private throwIfAborted(): void {
    if (this.signal.aborted) throw new AbortedError({ ru: 'Опрос прерван', en: 'The poll was aborted' }, {}, { cause: this.signal.reason });
  }

  private folderError(err: unknown): Error {
    if (err instanceof AbortedError || (err instanceof Error && err.name === 'AbortError' && this.signal.aborted)) {
      return new AbortedError({ ru: 'Опрос прерван', en: 'The poll was aborted' }, {}, { cause: this.signal.reason });
    }
    const { path } = this.settings;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = (err as Error).message;
    if (PATH_CODES.has(code)) {
      const why =
        code === 'ENOENT' ? { ru: 'не существует', en: 'does not exist' }
        : code === 'ENOTDIR' ? { ru: 'не является папкой', en: 'is not a folder' }
        : code === 'EACCES' || code === 'EPERM' ? { ru: 'недоступна для чтения', en: 'is not readable' }
        : { ru: 'задана неверно', en: 'is not a valid path' };
      return new ConfigError({ ru: `Папка ${path} ${why.ru} (${code}). Проверьте «path».`, en: `Folder ${path} ${why.en} (${code}). Check "path".` }, { field: 'path', code });
    }
    return new ConnectionError({ ru: `Папка ${path} недоступна: ${reason}`, en: `Folder ${path} cannot be read: ${reason}` }, { path, code }, { cause: err });
  }
}
