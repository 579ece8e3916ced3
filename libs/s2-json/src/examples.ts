// Reads the worked examples of the S2 documentation (EV, heat pump, PV): each message is a ```json block
// under a heading such as "### RM -> CEM: PowerMeasurement". Used by tests, the simulator and benchmarks.
import type { Role } from './messages.js';

export interface ExampleMessage {
  /** Who sends it; `both` where the example says either side may. */
  readonly sender: Role | 'both';
  readonly heading: string;
  readonly message: Record<string, unknown>;
}

const HEADING = /^#{2,6}\s+(.*)$/;

function senderOf(heading: string): Role | 'both' | undefined {
  const rmToCem = /RM\s*->\s*CEM/.test(heading);
  const cemToRm = /CEM\s*->\s*RM/.test(heading);
  if (rmToCem && cemToRm) return 'both';
  if (rmToCem) return 'RM';
  if (cemToRm) return 'CEM';
  return undefined;
}

/** The example messages of one markdown page, in page order; fragments and other blocks are skipped. */
export function parseExamples(markdown: string): ExampleMessage[] {
  const out: ExampleMessage[] = [];
  let heading = '';
  let block: string[] | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    if (block !== null) {
      if (line.trim() === '```') {
        const sender = senderOf(heading);
        const value = JSON.parse(block.join('\n')) as Record<string, unknown>;
        // Some blocks show a part of a message (an operation mode, say), not a message of its own.
        if (sender !== undefined && typeof value['message_type'] === 'string')
          out.push({ sender, heading, message: value });
        block = null;
      } else {
        block.push(line);
      }
      continue;
    }
    const match = HEADING.exec(line);
    if (match?.[1] !== undefined) heading = match[1].trim();
    else if (line.trim() === '```json') block = [];
  }
  return out;
}
