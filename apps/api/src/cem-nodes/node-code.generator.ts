import { Injectable } from '@nestjs/common';
import { generateNodeIdAlias, generatePairingToken } from '../../../../libs/s2-connect/src/pairing-code.js';

/** The CSPRNG-drawn parts of a pairing code, behind a class so that tests can choose them. */
@Injectable()
export class NodeCodeGenerator {
  nodeIdAlias(): string {
    return generateNodeIdAlias();
  }

  pairingToken(length: number): string {
    return generatePairingToken(length);
  }
}
