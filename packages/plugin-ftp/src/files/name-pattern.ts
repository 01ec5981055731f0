/**
 * A file-name glob (`*.csv`, `export_??.{csv,xlsx}`), matched case-insensitively against the
 * base name: `*` and `?` never match `/` nor a leading dot (hidden and temporary files).
 */
export function namePattern(glob: string): (name: string) => boolean {
  let re = '';
  let inBraces = false;
  for (const ch of glob) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{' && !inBraces) (inBraces = true), (re += '(?:');
    else if (ch === '}' && inBraces) (inBraces = false), (re += ')');
    else if (ch === ',' && inBraces) re += '|';
    else re += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  if (inBraces) throw new Error(`unclosed "{" in pattern ${glob}`);
  const matcher = new RegExp(`^${re}$`, 'i');
  return (name) => {
    const base = name.slice(name.lastIndexOf('/') + 1);
    return !(base.startsWith('.') && !glob.startsWith('.')) && matcher.test(base);
  };
}

/** A joi-friendly check: the glob compiles. */
export function isValidPattern(glob: string): boolean {
  try {
    namePattern(glob);
    return true;
  } catch {
    return false;
  }
}
