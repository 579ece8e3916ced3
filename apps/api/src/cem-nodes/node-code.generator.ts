import { Injectable } from '@nestjs/common';
import { NODE_ID_ALIAS_ALPHABET, NODE_ID_ALIAS_LENGTH, PAIRING_TOKEN_ALPHABET } from '#s2-connect';
import { randomString } from '#security';

/** The CSPRNG-drawn parts of a pairing code, behind a class so that tests can choose them. */
@Injectable()
export class NodeCodeGenerator {
  nodeIdAlias(): string {
    return randomString(NODE_ID_ALIAS_LENGTH, NODE_ID_ALIAS_ALPHABET);
  }

  pairingToken(length: number): string {
    return randomString(length, PAIRING_TOKEN_ALPHABET);
  }
}
