import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configKeys, loadConfig } from '../../src/config/config.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** `server` lines of nginx upstream blocks. */
function upstreamServers(conf: string): string[] {
  return [...conf.matchAll(/upstream\s+\w+\s*\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/^\s*server\s+(\S+?)[\s;]/gm)].map((s) => s[1]!));
}

describe('docs/operations.md and deploy/', () => {
  const ops = read('docs/operations.md');

  it('lists every environment variable and config file key the server reads', () => {
    const { env, file } = configKeys();
    expect(env).to.include.members(['DATABASE_URL', 'OPENAMR_SECRET_KEY', 'OPENAMR_POLL_LEASE_MS']);
    expect(env.filter((name) => !ops.includes(`| \`${name}\``))).to.deep.equal([]);
    expect(file).to.include.members(['plugins', 'polling.graceMs']);
    const documented = file.filter((k) => !['settings', 'polling'].includes(k));
    expect(documented.filter((key) => !ops.includes(`| \`${key}\``))).to.deep.equal([]);
  });

  it('ships the nginx example of the guide as deploy/nginx.conf, with an upstream of two nodes', () => {
    const block = /```nginx\n([\s\S]*?)```/.exec(ops)![1]!;
    expect(read('deploy/nginx.conf')).to.contain(block);
    expect(upstreamServers(block)).to.have.length(2);
    expect(block).to.match(/proxy_pass http:\/\/openamr_nodes;/);
  });

  it('compose: nodes reach PostgreSQL and Mosquitto it starts, nginx proxies to every node, and their environment is valid', () => {
    const compose = read('deploy/compose.yaml');
    const services = [...compose.matchAll(/^ {2}([a-z0-9]+):/gm)].map((m) => m[1]!);
    expect(services).to.include.members(['postgres', 'mosquitto', 'node1', 'node2', 'nginx']);
    const node = /^ {2}node1:[\s\S]*?(?=^ {2}node2:)/m.exec(compose)![0];
    expect(node).to.match(/depends_on:[\s\S]*postgres:[\s\S]*mosquitto:/);
    const env = Object.fromEntries([.../environment:\n((?: {6}\w+: .*\n)+)/.exec(node)![1]!.matchAll(/^ {6}(\w+): (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(env.DATABASE_URL).to.match(/@postgres:5432\//);
    const config = loadConfig(env, ROOT);
    expect(config.secretKey).to.have.length.of.at.least(32);
    expect(compose).to.match(/^ {2}node2:\n {4}<<: \*node$/m); // the same environment, so the same secret key
    const nginx = read('deploy/nginx.compose.conf');
    expect(upstreamServers(nginx)).to.deep.equal(services.filter((s) => /^node\d+$/.test(s)).map((s) => `${s}:8080`));
    expect(compose).to.contain('./nginx.compose.conf:/etc/nginx/conf.d/default.conf');
  });

  it('deploy/openamr.env.example is a valid node configuration', () => {
    const env = Object.fromEntries(read('deploy/openamr.env.example').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(Object.keys(env).filter((k) => !configKeys().env.includes(k))).to.deep.equal([]);
    expect(loadConfig(env, ROOT).databaseUrl).to.match(/^postgres:\/\//);
  });
});
