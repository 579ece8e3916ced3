import { describe, expect, it } from 'vitest';
import { between, countByKind, grouped, imbalance, keyKind, parseCommandStats, top } from './counts.js';

const INFO = [
  '# Commandstats',
  'cmdstat_spublish:calls=120,usec=300,usec_per_call=2.50,rejected_calls=0,failed_calls=0',
  'cmdstat_evalsha:calls=40,usec=900,usec_per_call=22.50,rejected_calls=0,failed_calls=0',
  'cmdstat_xadd:calls=3,usec=9,usec_per_call=3.00,rejected_calls=0,failed_calls=0',
  'cmdstat_info:calls=7,usec=70,usec_per_call=10.00,rejected_calls=0,failed_calls=0',
  'cmdstat_cluster|slots:calls=2,usec=20,usec_per_call=10.00,rejected_calls=0,failed_calls=0',
  'cmdstat_zadd:calls=10,usec=10,usec_per_call=1.00,rejected_calls=0,failed_calls=0',
  '# Stats',
  'pubsubshard_channels:2',
].join('\r\n');

describe('command counts', () => {
  it('reads INFO commandstats without the bench’s own reads and groups what the report names', () => {
    const calls = parseCommandStats(INFO);
    expect(calls.has('info')).toBe(false);
    expect(calls.get('cluster|slots')).toBe(2);
    expect(grouped(calls)).toEqual({ total: 175, spublish: 120, publish: 0, scripts: 40, streams: 3, other: 12 });
    expect(top(calls, 2)).toEqual(['spublish 120', 'evalsha 40']);
  });

  it('counts what a phase added, leaving out commands it did not call', () => {
    const before = parseCommandStats(INFO);
    const after = new Map(before).set('spublish', 150).set('get', 4);
    expect(Object.fromEntries(between(before, after))).toEqual({ spublish: 30, get: 4 });
  });

  it('says how uneven the shards are: 1 when even, the shard count when all is on one', () => {
    expect(imbalance([10, 10, 10])).toBe(1);
    expect(imbalance([30, 0, 0])).toBe(3);
    expect(imbalance([0, 0, 0])).toBe(1);
  });
});

describe('key kinds', () => {
  const rm = '0b8e4c8a-6d0f-4b7e-9d38-0f3e7b6c1a2d';
  const session = '7f1c2e44-9a0b-4c1d-8e2f-3a4b5c6d7e8f';

  it('puts the ids of RMs, sessions, tenants, replicas and jobs as *', () => {
    expect(keyKind(`s2b:{rm:${rm}}:snapshot:${session}`, [])).toBe('s2b:{rm:*}:snapshot:*');
    expect(keyKind('s2b:replica-rms:bench-g3-0a1b2c3d', ['bench-g3'])).toBe('s2b:replica-rms:<replica>');
    expect(keyKind('s2b:{s2b}:webhook-lanes:42', [])).toBe('s2b:{s2b}:webhook-lanes:*');
    expect(keyKind('s2b:epoch', [])).toBe('s2b:epoch');
  });

  it('counts keys by kind and by shard', () => {
    const keys = [[`s2b:{rm:${rm}}`, 's2b:epoch'], [`s2b:{rm:${session}}`], []];
    expect(countByKind(keys, [])).toEqual([
      ['s2b:epoch', [1, 0, 0]],
      ['s2b:{rm:*}', [1, 1, 0]],
    ]);
  });
});
