import { expect } from 'chai';
import { DEFAULT_FIELDS, gatewayOfTopic, parseMessage, topicOf } from '../src/index.js';

const parse = (payload: unknown, fields = DEFAULT_FIELDS) => parseMessage('indivx/GW-1/readings', Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), fields, 'GW-1');
const messages = (payload: unknown) => parse(payload).problems.map((p) => p.message.replace('Топик indivx/GW-1/readings: ', ''));

describe('plugin-mesh: the JSON payload', () => {
  it('reads a message of several readings: serial, time (ISO or epoch), value or values, unit, error, id', () => {
    const b = parse({
      gateway: 'GW-7',
      readings: [
        { id: 'm-1', serial: 'HCA-1', time: '2024-03-01T00:00:00+03:00', value: 1234 },
        { serial: 77, time: 1709240400, values: { volume: '12.345', flow: 0.5 }, unit: 'm3', error: 'E3' },
        { serial: 'W-9', time: 1709240400000, value: '0.1', values: { flow: 2 }, error: 0 },
      ],
    });
    expect(b.problems).to.deep.equal([]);
    expect(b.source).to.equal('MQTT indivx/GW-1/readings');
    expect(b.readings.map((r) => [r.meterSerial, r.takenAt, r.values, r.unit, r.errorCode, r.sourceKey])).to.deep.equal([
      ['HCA-1', '2024-03-01T00:00:00+03:00', { value: '1234' }, undefined, undefined, 'mesh:GW-7:m-1'],
      ['77', '2024-02-29T21:00:00.000Z', { volume: '12.345', flow: '0.5' }, 'm3', 'E3', 'mesh:GW-7:77:2024-02-29T21:00:00.000Z'],
      ['W-9', '2024-02-29T21:00:00.000Z', { value: '0.1', flow: '2' }, undefined, undefined, 'mesh:GW-7:W-9:2024-02-29T21:00:00.000Z'],
    ]);
    // The primary value comes first: the store takes the first value when no key is the type's primary quantity.
    expect(Object.keys(b.readings[2]!.values)).to.deep.equal(['value', 'flow']);
    expect(JSON.parse(b.readings[0]!.raw!)).to.deep.equal({ id: 'm-1', serial: 'HCA-1', time: '2024-03-01T00:00:00+03:00', value: 1234 });
  });

  it('takes a message that is one reading, field names from the settings, and the gateway from the topic when the message names none', () => {
    const b = parse({ sn: 'A', ts: '2024-03-01', v: 5, gw: 'G-2' }, { ...DEFAULT_FIELDS, serial: 'sn', time: 'ts', value: 'v' });
    expect(b.readings.map((r) => [r.meterSerial, r.values, r.sourceKey])).to.deep.equal([['A', { value: '5' }, 'mesh:GW-1:A:2024-03-01']]);
    const c = parse({ sn: 'A', ts: '2024-03-01', v: 5, gw: 'G-2' }, { ...DEFAULT_FIELDS, serial: 'sn', time: 'ts', value: 'v', gateway: 'gw' });
    expect(c.readings[0]!.sourceKey).to.equal('mesh:G-2:A:2024-03-01');
  });

  it('names the topic and the field of what it cannot read, and keeps the rest of the message', () => {
    expect(parse('{not json').problems[0]).to.deep.include({ code: 'bad-payload' });
    expect(parse('{not json').problems[0]!.message).to.match(/^Топик indivx\/GW-1\/readings: сообщение не JSON/);
    expect(messages('[1,2]')).to.deep.equal(['ожидался JSON-объект']);
    const b = parse({
      readings: [
        { time: '2024-03-01', value: 1 },
        { serial: 'X', time: 'вчера', value: 1 },
        { serial: 'Y', time: '2024-03-01', value: 'abc' },
        { serial: 'Z', time: '2024-03-01' },
        5,
        { serial: 'OK', time: '2024-03-01', value: 2 },
        { serial: 'V', time: '2024-03-01', values: 7 },
        { serial: 'W', time: '2024-03-01', values: { volume: null } },
      ],
    });
    expect(b.problems.map((p) => [p.code, p.meterSerial, p.message.replace('Топик indivx/GW-1/readings: ', '')])).to.deep.equal([
      ['bad-reading', undefined, 'нет поля «readings[0].serial»'],
      ['bad-reading', 'X', 'поле «readings[1].time»: неверное время "вчера"'],
      ['bad-reading', 'Y', 'поле «readings[2].value»: не число "abc"'],
      ['bad-reading', 'Z', 'нет ни «readings[3].value», ни «readings[3].values»'],
      ['bad-reading', undefined, 'readings[4]: не объект'],
      ['bad-reading', 'V', 'поле «readings[6].values»: не объект'],
      ['bad-reading', 'W', 'поле «readings[7].values.volume»: не число null'],
    ]);
    expect(b.readings.map((r) => r.meterSerial)).to.deep.equal(['OK']);
    expect(messages({ readings: 'x' })).to.deep.equal(['поле «readings» не массив']);
  });

  it('refuses numbers and times no meter gives (they would not fit the readings table), and never throws', () => {
    expect(messages({ serial: 'A', time: '2024-03-01', value: 1e300 })).to.deep.equal(['поле «value»: не число 1e+300']);
    expect(messages({ serial: 'A', time: '2024-03-01', value: '1e999999' })).to.deep.equal(['поле «value»: не число "1e999999"']);
    expect(messages({ serial: 'A', time: '2024-03-01', value: '12.5' })).to.deep.equal([]);
    expect(messages({ serial: 'A', time: 1e20, value: 1 })).to.deep.equal(['поле «time»: неверное время 100000000000000000000']);
    expect(messages({ serial: 'A', time: '+275760-09-13T00:00:00Z', value: 1 })).to.deep.equal(['поле «time»: неверное время "+275760-09-13T00:00:00Z"']);
    expect(messages({ serial: 'A', time: 0, value: 1 })).to.deep.equal(['поле «time»: неверное время 0']);
    expect(messages({ serial: { a: 1 }, time: '2024-03-01', value: 1 })).to.deep.equal(['нет поля «serial»']);
    // An object as id is not an id: the key falls back to serial and time.
    expect(parse({ serial: 'A', time: '2024-03-01', value: 1, id: { x: 1 } }).readings[0]!.sourceKey).to.equal('mesh:GW-1:A:2024-03-01');
  });

  it('an empty message (clearing a retained one) is nothing to read and nothing wrong', () => {
    expect(parse('')).to.deep.equal({ source: 'MQTT indivx/GW-1/readings', readings: [], problems: [] });
  });

  it('subscribes to indivx/<gateway>/readings, or to every gateway, and names the gateway by the topic', () => {
    expect(topicOf({ gatewayId: 'GW-3' })).to.equal('indivx/GW-3/readings');
    expect(topicOf({})).to.equal('indivx/+/readings');
    expect(topicOf({ topic: 'site/#', gatewayId: 'x' })).to.equal('site/#');
    expect(gatewayOfTopic('indivx/+/readings', 'indivx/GW-17/readings', 'c1')).to.equal('GW-17');
    expect(gatewayOfTopic('site/#', 'site/GW-4/r', 'c1')).to.equal('GW-4');
    expect(gatewayOfTopic('indivx/GW-3/readings', 'indivx/GW-3/readings', 'GW-3')).to.equal('GW-3');
  });
});
