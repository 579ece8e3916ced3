import { describe, expect, it } from 'vitest';
import { containsUnstorableText } from './storable-text.js';

describe('containsUnstorableText', () => {
  it.each([
    ['plain', false],
    ['emoji 😀 (a surrogate pair)', false],
    ['', false],
    ['a\u0000b', true],
    ['\ud800', true],
    ['x\udfffy', true],
    ['\udfff\ud800', true],
    ['😀\ud83d', true],
  ])('%j: %s', (text, expected) => {
    expect(containsUnstorableText(text)).toBe(expected);
    expect(containsUnstorableText({ nested: [{ deep: text }] })).toBe(expected);
    expect(containsUnstorableText({ [text]: 1 })).toBe(expected);
  });

  it('finds one deep down, and takes values that hold no text', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 20; i++) deep = [{ a: deep }];
    expect(containsUnstorableText(deep)).toBe(true);
    expect(containsUnstorableText(123)).toBe(false);
    expect(containsUnstorableText(null)).toBe(false);
  });
});
