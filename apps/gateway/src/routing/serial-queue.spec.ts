import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs work at once when nothing is queued', () => {
    const queue = new SerialQueue(() => undefined);
    const done: number[] = [];
    queue.run(() => void done.push(1));
    expect(done).toEqual([1]);
  });

  it('keeps the order behind unfinished async work, then runs at once again', async () => {
    const errors: unknown[] = [];
    const queue = new SerialQueue((e) => errors.push(e));
    const done: string[] = [];
    let release!: () => void;
    queue.run(() => new Promise<void>((resolve) => (release = resolve)).then(() => void done.push('slow')));
    queue.run(() => void done.push('a'));
    queue.run(async () => {
      await Promise.resolve();
      done.push('b');
    });
    queue.run(() => void done.push('c'));
    expect(done).toEqual([]);
    release();
    await queue.idle();
    expect(done).toEqual(['slow', 'a', 'b', 'c']);
    queue.run(() => void done.push('d'));
    expect(done).toEqual(['slow', 'a', 'b', 'c', 'd']);
    expect(errors).toEqual([]);
  });

  it('reports a failing item and goes on with the next', async () => {
    const errors: unknown[] = [];
    const queue = new SerialQueue((e) => errors.push(e));
    const done: string[] = [];
    queue.run(() => {
      throw new Error('sync');
    });
    queue.run(() => Promise.reject(new Error('async')));
    queue.run(() => void done.push('after'));
    await queue.idle();
    expect(done).toEqual(['after']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync', 'async']);
  });
});
