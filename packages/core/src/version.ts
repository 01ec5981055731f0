import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the @openamr/core package, found from this file in `src/` or `dist/src/`. */
export const CORE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === '@openamr/core') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@openamr/core: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
})();

/** The version of `@openamr/core` plugins check `requires.core` against. */
export const CORE_VERSION: string = JSON.parse(readFileSync(join(CORE_ROOT, 'package.json'), 'utf8')).version;
