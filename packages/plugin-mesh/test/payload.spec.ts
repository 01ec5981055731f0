import { expect } from 'chai';
import { DEFAULT_FIELDS, parseMessage } from '../src/index.js';

const parse = (payload: unknown, fields = DEFAULT_FIELDS) => parseMessage('indivx/GW-1/readings', Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), fields, 'mesh:c1');

describe('plugin-mesh: the JSON payload', () => {
  it('reads a message of several readings: serial, time (ISO or epoch), value or values, unit, error, id', () => {
    const b = parse({
      gateway: 'GW-1',
      readings: [
        { id: 'm-1', serial: 'HCA-1', time: '2024-03-01T00:00:00+03:00', value: 1234 },
        { serial: 77, time: 1709240400, values: { volume: '12.345', flow: 0.5 }, unit: 'm3', error: 'E3' },
        { serial: 'W-9', time: 1709240400000, value: '0.1' },
      ],
    });
    expect(b.problems).to.deep.equal([]);
    expect(b.readings.map((r) => [r.meterSerial, r.takenAt, r.values, r.unit, r.errorCode, r.sourceKey])).to.deep.equal([
      ['HCA-1', '2024-03-01T00:00:00+03:00', { value: '1234' }, undefined, undefined, 'mesh:c1:m-1'],
      ['77', '2024-02-29T21:00:00.000Z', { volume: '12.345', flow: '0.5' }, 'm3', 'E3', 'mesh:c1:77:2024-02-29T21:00:00.000Z'],
      ['W-9', '2024-02-29T21:00:00.000Z', { value: '0.1' }, undefined, undefined, 'mesh:c1:W-9:2024-02-29T21:00:00.000Z'],
    ]);
  });

  it('takes a message that is one reading, and field names from the settings', () => {
    const b = parse({ sn: 'A', ts: '2024-03-01', v: 5 }, { ...DEFAULT_FIELDS, serial: 'sn', time: 'ts', value: 'v' });
    expect(b.readings.map((r) => [r.meterSerial, r.values])).to.deep.equal([['A', { value: '5' }]]);
  });

  it('names the topic and the field of what it cannot read, and keeps the rest of the message', () => {
    expect(parse('{not json').problems[0]).to.deep.include({ code: 'bad-payload' });
    expect(parse('{not json').problems[0]!.message).to.match(/^Топик indivx\/GW-1\/readings: сообщение не JSON/);
    expect(parse('[1,2]').problems[0]!.message).to.equal('Топик indivx/GW-1/readings: ожидался JSON-объект');
    const b = parse({ readings: [{ time: '2024-03-01', value: 1 }, { serial: 'X', time: 'вчера', value: 1 }, { serial: 'Y', time: '2024-03-01', value: 'abc' }, { serial: 'Z', time: '2024-03-01' }, 5, { serial: 'OK', time: '2024-03-01', value: 2 }] });
    expect(b.problems.map((p) => p.message.replace('Топик indivx/GW-1/readings: ', ''))).to.deep.equal([
      'нет поля «readings[0].serial»',
      'поле «readings[1].time»: неверное время "вчера"',
      'поле «readings[2].value»: не число "abc"',
      'нет ни «readings[3].value», ни «readings[3].values»',
      'readings[4]: не объект',
    ]);
    expect(b.readings.map((r) => r.meterSerial)).to.deep.equal(['OK']);
    expect(parse({ readings: 'x' }).problems[0]!.message).to.contain('поле «readings» не массив');
  });
});
