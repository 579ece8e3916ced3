import { Module } from '@nestjs/common';
import { SecurityModule } from '../../../../libs/security/src/index.js';
import { StoreModule } from '../../../../libs/store/src/index.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { IssuePairingCode } from '../pairing-codes/issue-pairing-code.use-case.js';
import { PairingCodesController } from '../pairing-codes/pairing-codes.controller.js';
import { CemNodesController } from './cem-nodes.controller.js';
import { CreateCemNode } from './create-cem-node.use-case.js';
import { GetCemNode } from './get-cem-node.use-case.js';
import { NodeCodeGenerator } from './node-code.generator.js';

/** The tenant API's CEM nodes and their pairing codes. */
@Module({
  imports: [StoreModule, SecurityModule, TenantAuthModule],
  controllers: [CemNodesController, PairingCodesController],
  providers: [CreateCemNode, GetCemNode, IssuePairingCode, NodeCodeGenerator],
})
export class CemNodesModule {}
