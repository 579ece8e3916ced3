export * from './db.module.js';
export * from './prisma.service.js';
