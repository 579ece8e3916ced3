import { Injectable } from '@nestjs/common';
import { PrismaService, TenantStatus } from '#db';
import { USER_FIELDS } from './user-fields.js';
import type { ConsoleSessionRecord, NewConsoleSession, UserRecord } from './user.records.js';

const SESSION_FIELDS = {
  id: true,
  csrfToken: true,
  lastSeenAt: true,
  expiresAt: true,
  user: { select: { ...USER_FIELDS, tenant: { select: { status: true } } } },
} as const;

/** Signed-in browsers, by the SHA-256 of their cookie's token. */
@Injectable()
export class ConsoleSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(session: NewConsoleSession): Promise<void> {
    await this.prisma.consoleSession.create({ data: session, select: { id: true } });
  }

  /**
   * The session, when it is neither past its absolute expiry nor idle since before `idleSince`, and its
   * user is enabled and (for a tenant's user) the tenant active. A dead session is deleted on the way.
   */
  async findLive(id: string, now: Date, idleSince: Date): Promise<ConsoleSessionRecord | null> {
    const row = await this.prisma.consoleSession.findUnique({
      where: { id },
      select: {
        ...SESSION_FIELDS,
        user: { select: { ...SESSION_FIELDS.user.select, tenant: { select: { status: true } } } },
      },
    });
    if (row === null) return null;
    const { tenant, ...user } = row.user;
    const usable =
      row.expiresAt > now &&
      row.lastSeenAt > idleSince &&
      user.disabledAt === null &&
      (tenant === null || tenant.status === TenantStatus.ACTIVE);
    if (!usable) {
      await this.delete(id);
      return null;
    }
    return { ...row, user: user as UserRecord };
  }

  /** Moves the idle clock; only when it has moved by `resolution` at least, so that reads stay reads. */
  async touch(id: string, at: Date, resolution: Date): Promise<void> {
    await this.prisma.consoleSession.updateMany({
      where: { id, lastSeenAt: { lt: resolution } },
      data: { lastSeenAt: at },
    });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { id } });
  }

  /** Sessions past either deadline: for a periodic sweep, the lookups already refuse them. */
  async deleteExpired(now: Date, idleSince: Date): Promise<number> {
    const { count } = await this.prisma.consoleSession.deleteMany({
      where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleSince } }] },
    });
    return count;
  }
}
