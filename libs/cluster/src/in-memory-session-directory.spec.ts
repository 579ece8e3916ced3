import { InMemorySessionDirectory } from './in-memory-session-directory.js';
import { describeSessionDirectory } from './testing/index.js';

describeSessionDirectory('InMemorySessionDirectory', () => new InMemorySessionDirectory());
