import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleFile {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * The built console: dist/console next to the compiled broker (dist/apps/api/src/console/ is four
 * levels down), or under the repository's dist/ when this module runs from its TypeScript source.
 */
export function consoleDirectory(): string | undefined {
  const candidates = ['../../../../console', '../../../../dist/console'].map((path) =>
    fileURLToPath(new URL(path, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Every file of the build, keyed by its URL path below /console/ (`assets/index-abc.js`). */
export function loadConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        files.set(relative(dir, path).split(sep).join('/'), {
          body: readFileSync(path),
          type: TYPES[extname(entry.name)] ?? 'application/octet-stream',
        });
    }
  };
  walk(dir);
  return files;
}
