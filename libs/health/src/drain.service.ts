import { Injectable } from '@nestjs/common';

/**
 * Whether this process is shutting down. Set once, on SIGTERM or SIGINT, before the app closes: from
 * then on readiness fails so the load balancer stops sending new work, and role modules refuse new
 * sockets.
 */
@Injectable()
export class DrainService {
  private drainingSince: Date | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  start(): void {
    this.drainingSince ??= new Date();
  }
}
