import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/libmbus/', import.meta.url));

export interface LibmbusRecord {
  id: number;
  fields: Record<string, string>;
}

export interface LibmbusDecoding {
  slave: Record<string, string>;
  records: LibmbusRecord[];
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** libmbus's normalized XML (UTF-8 whatever its declaration says), read into plain fields. */
export function readNormXml(path: string): LibmbusDecoding {
  const xml = readFileSync(path, 'utf8');
  const slave: Record<string, string> = {};
  const info = /<SlaveInformation>([\s\S]*?)<\/SlaveInformation>/.exec(xml)?.[1] ?? '';
  for (const m of info.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) slave[m[1]!] = unescape(m[2]!);
  const records: LibmbusRecord[] = [];
  for (const m of xml.matchAll(/<DataRecord id="(\d+)">([\s\S]*?)<\/DataRecord>/g)) {
    const fields: Record<string, string> = {};
    for (const f of m[2]!.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) fields[f[1]!] = unescape(f[2]!);
    records.push({ id: Number(m[1]), fields });
  }
  return { slave, records };
}

export function corpusFrames(): string[] {
  return readdirSync(`${CORPUS}frames`).filter((f) => f.endsWith('.hex')).sort();
}
