// CSV as RFC 4180 writes it (commas, double quotes doubled inside quoted fields, CRLF or LF), read one
// record at a time so that one broken record is reported on its own line and the others still count.

export type CsvRecord =
  { readonly line: number; readonly fields: readonly string[] } | { readonly line: number; readonly problem: string };

/** Records with the line each starts on; blank lines are skipped. A leading byte order mark is dropped. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  while (i < input.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let problem: string | undefined;
    let quoted = false;
    let atFieldStart = true;
    let ended = false;
    while (i < input.length && !ended) {
      const c = input[i] as string;
      if (quoted) {
        if (c === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i += 1;
          const next = input[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            problem = `field ${fields.length + 1}: a quoted field must end at a comma or the end of the line`;
          }
          continue;
        }
        if (c === '\n') line += 1;
        field += c;
        i += 1;
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        i += 1;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i += 1;
        continue;
      }
      if (c === '\r' || c === '\n') {
        i += c === '\r' && input[i + 1] === '\n' ? 2 : 1;
        line += 1;
        ended = true;
        continue;
      }
      // After a broken quoted field the rest of the record is skipped, only its end is looked for.
      if (problem === undefined) field += c;
      atFieldStart = false;
      i += 1;
    }
    if (quoted) {
      records.push({ line: start, problem: 'a quoted field is not closed before the end of the file' });
      break;
    }
    fields.push(field);
    if (problem !== undefined) records.push({ line: start, problem });
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}
