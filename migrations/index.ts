import type { MigrationInterface } from 'typeorm';
import { Tenancy1795248487973 } from './1795248487973-Tenancy';
import { Links1795290308838 } from './1795290308838-Links';
import { Connections1795298970781 } from './1795298970781-Connections';
import { CrmEvents1795300157019 } from './1795300157019-CrmEvents';
import { CrmEventOccurrences1795307772944 } from './1795307772944-CrmEventOccurrences';

/** Every migration in order; listed explicitly so compiled and ts-node runs see the same set. */
export const ALL_MIGRATIONS: (new () => MigrationInterface)[] = [Tenancy1795248487973, Links1795290308838, Connections1795298970781, CrmEvents1795300157019, CrmEventOccurrences1795307772944];
