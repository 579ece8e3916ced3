import { describe, expect, it } from 'vitest';
import { ShutdownSignal } from './shutdown-signal.js';

describe('ShutdownSignal', () => {
  it('resolves with the first signal, swallows repeats and removes its handlers on dispose', async () => {
    const before = process.listenerCount('SIGUSR2');
    const shutdown = new ShutdownSignal(['SIGUSR2', 'SIGTERM']);
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    process.emit('SIGUSR2');
    process.emit('SIGTERM');
    expect(await shutdown.received).toBe('SIGUSR2');
    shutdown.dispose();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });
});
