export * from './db.module.js';
export * from './prisma.service.js';
// The generated client's namespace (its error classes, input types) and enums, for the repositories.
export { Prisma } from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';
