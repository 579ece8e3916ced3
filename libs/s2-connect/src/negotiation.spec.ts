import { describe, expect, it } from 'vitest';
import { selectOffered } from './negotiation.js';

describe('selectOffered: our best option the peer offered, by exact string', () => {
  const ours = ['v1.0.0', 'v0.0.2-beta'] as const;
  it.each<[readonly string[], string | undefined]>([
    [['v1.0.0'], 'v1.0.0'],
    [['v0.0.2-beta', 'v1.0.0'], 'v1.0.0'],
    [['v0.0.2-beta'], 'v0.0.2-beta'],
    [['v9', 'v0.0.2-beta'], 'v0.0.2-beta'],
    [['V1.0.0', ' v1.0.0'], undefined],
    [[], undefined],
  ])('offered %j: %j', (offered, selected) => {
    expect(selectOffered(ours, offered)).toBe(selected);
  });
});
