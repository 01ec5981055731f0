import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { runCli } from '../../src/testing/cli.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.js';

/** `openamr import` as a user runs it, on its own schema of the test database. */
describe('cli import', () => {
  let db: TestDatabase;
  let dir: string;
  before(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'amr-import-'));
    writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: [] }));
  });
  after(() => db?.close());

  const cli = (args: string[]) => runCli(args, { env: { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, LOG_LEVEL: 'silent' }, cwd: dir });
  const readings = async () => Number((await db.knex('readings').count({ n: '*' }))[0]!.n);

  it('loads the demo, imports a file, imports it again (nothing new), and refuses an impossible date naming the line', async () => {
    const demo = await cli(['demo']);
    expect(demo.code, demo.stderr).to.equal(0);
    const base = await readings();
    writeFileSync(join(dir, 'march.csv'), 'serial;date;value\nA1-1;2024-03-01;1880\nA1-2;01.03.2024;1215\nA6-9;01.03.2024;1\n');
    const first = await cli(['import', 'march.csv', '--skip-bad']);
    expect(first.code, first.stderr).to.equal(0);
    expect(JSON.parse(first.stdout)).to.include({ new: 0, existing: 2 });
    expect(JSON.parse(first.stdout).errors[0]).to.include({ line: 4, code: 'unknown-meter' });
    writeFileSync(join(dir, 'april.csv'), 'serial;date;value\nA1-1;2024-04-01;2010\nA1-2;01.04.2024;1300\n');
    const april = await cli(['import', 'april.csv']);
    expect(april.code, april.stderr).to.equal(0);
    expect(JSON.parse(april.stdout)).to.include({ new: 2, existing: 0, message: '2 новых, 0 уже были' });
    const again = await cli(['import', 'april.csv']);
    expect(JSON.parse(again.stdout)).to.include({ new: 0, existing: 2 });
    expect(await readings()).to.equal(base + 2);

    writeFileSync(join(dir, 'bad.csv'), 'serial;date;value\nA2-1;01.05.2024;1800\nA2-2;31.04.2024;1100\n');
    const bad = await cli(['import', 'bad.csv']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('bad.csv:3:2: bad.csv, строка 3, столбец 2 (date)');
    expect(await readings()).to.equal(base + 2);
    const dry = await cli(['import', 'bad.csv', '--dry-run', '--skip-bad']);
    expect(JSON.parse(dry.stdout)).to.include({ status: 'dry-run', new: 1 });
    expect(await readings()).to.equal(base + 2);
    // Refusals of the file itself (read in a worker thread on PostgreSQL) name the file and change nothing.
    writeFileSync(join(dir, 'header.csv'), 'serial;date;value\n');
    const header = await cli(['import', 'header.csv']);
    expect(header.code).to.equal(1);
    expect(header.stderr).to.contain('header.csv: в файле только заголовок, показаний нет');
    writeFileSync(join(dir, 'wrong.csv'), 'a;b;c\n1;2;3\n');
    expect((await cli(['import', 'wrong.csv'])).stderr).to.contain('wrong.csv, строка 1: нет столбцов serial, date, value');
    writeFileSync(join(dir, 'blob.csv'), Buffer.concat([Buffer.from('serial;date;value\n'), Buffer.alloc(2 * 1024 * 1024, 0)]));
    expect((await cli(['import', 'blob.csv'])).stderr).to.contain('blob.csv: это не текстовый файл');
    expect(await readings()).to.equal(base + 2);
    // Every error on stderr, beyond the thousand the summary lists; the store's refusals name their field.
    const many = ['serial;date;value', 'A2-1;01.05.2024;1800', 'A2-2;01.05.2024;1'];
    for (let i = 0; i < 1_200; i++) many.push(`NOPE-${i};01.05.2024;${i}`);
    many.push('A2-3;32.05.2024;5');
    writeFileSync(join(dir, 'many.csv'), many.join('\n') + '\n');
    const manyRun = await cli(['import', 'many.csv']);
    expect(manyRun.code).to.equal(1);
    const lines = manyRun.stderr.trim().split('\n');
    expect(lines, 'one line per error').to.have.length(1_202);
    expect(lines.filter((l) => /^many\.csv:\d+:serial: Прибор с серийным номером NOPE-\d+ не найден в реестре$/.test(l))).to.have.length(1_200);
    expect(lines.filter((l) => l.startsWith('many.csv:1204:2: ')), 'the impossible date, by its column').to.have.length(1);
    expect(lines.find((l) => l.startsWith('many.csv:3:'))).to.match(/^many\.csv:3:value: Показание 1 за 2024-05-01 меньше предыдущего/);
    expect(JSON.parse(manyRun.stdout).errors).to.have.length(1_000);
    expect(await readings()).to.equal(base + 2);
    // --building: meters of another building are refused.
    const [other] = await db.knex('buildings').insert({ name: 'Другой дом', address: 'ул. Другая, 2' }).returning('id');
    writeFileSync(join(dir, 'may.csv'), 'serial;date;value\nA2-1;02.05.2024;1801\n');
    const elsewhere = await cli(['import', 'may.csv', '--building', other.id]);
    expect(elsewhere.code).to.equal(1);
    expect(elsewhere.stderr).to.contain('may.csv:2:serial: Прибор A2-1 не относится к этому объекту');
    expect(await readings()).to.equal(base + 2);
    expect((await cli(['import', 'nowhere.csv'])).code).to.equal(1);
    expect((await cli(['import'])).code).to.equal(2);
  });

  it('with the embedded database, refuses to run while another process owns it, and runs once that process is gone', async function () {
    this.timeout(120_000);
    const data = mkdtempSync(join(tmpdir(), 'amr-import-lock-'));
    const owner = spawn('sleep', ['60']);
    try {
      writeFileSync(join(data, 'openamr.lock'), String(owner.pid));
      const env = { OPENAMR_DATA_DIR: data, LOG_LEVEL: 'silent' };
      const run = async () => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(['demo'], { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never, env, cwd: dir });
        return { code, stderr: err.join('') };
      };
      const busy = await run();
      expect(busy.code).to.equal(1);
      expect(busy.stderr).to.contain(`занята процессом ${owner.pid}`);
      owner.kill('SIGKILL');
      await once(owner, 'exit');
      const free = await run();
      expect(free.code, free.stderr).to.equal(0);
    } finally {
      if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    }
  });
});
