/**
 * One copy of a channel id or replica name for all the sessions bound to it, instead of one per session
 * parsed out of each envelope (tens of thousands of idle sessions hold these). Forgotten wholesale now
 * and then: channels come and go.
 */
export class Interner {
  private readonly names = new Map<string, string>();

  intern(text: string): string {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size >= 4_096) this.names.clear();
    this.names.set(text, text);
    return text;
  }
}
