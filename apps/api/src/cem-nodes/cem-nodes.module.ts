import { Module } from '@nestjs/common';
import { EventsModule } from '#events';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { IssuePairingCode } from '../pairing-codes/issue-pairing-code.use-case.js';
import { PairingCodesController } from '../pairing-codes/pairing-codes.controller.js';
import { CemNodesBatchController } from './cem-nodes-batch.controller.js';
import { CemNodesController } from './cem-nodes.controller.js';
import { CreateCemNode } from './create-cem-node.use-case.js';
import { CreateCemNodes } from './create-cem-nodes.use-case.js';
import { DeleteCemNode } from './delete-cem-node.use-case.js';
import { GetCemNode } from './get-cem-node.use-case.js';
import { ListCemNodes } from './list-cem-nodes.use-case.js';
import { UpdateCemNode } from './update-cem-node.use-case.js';
import { NodeCodeGenerator } from './node-code.generator.js';

/** The tenant API's CEM nodes and their pairing codes. */
@Module({
  imports: [StoreModule, SecurityModule, TenantGuardModule, EventsModule],
  // The batch controller first: its path must be matched before any pattern that could take it.
  controllers: [CemNodesBatchController, CemNodesController, PairingCodesController],
  providers: [
    CreateCemNode,
    CreateCemNodes,
    GetCemNode,
    ListCemNodes,
    UpdateCemNode,
    DeleteCemNode,
    IssuePairingCode,
    NodeCodeGenerator,
  ],
})
export class CemNodesModule {}
