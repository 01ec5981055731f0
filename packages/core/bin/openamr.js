#!/usr/bin/env node
// The `openamr` command. It runs the compiled core (`npm install` builds it through the
// root `prepare` script); tests run the TypeScript sources directly (src/cli/run.ts).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('openamr: the core is not built. Run `npm run build` in the repository root.\n');
  process.exit(2);
}
await import(entry.href);
