import { Tenancy1795248487973 } from './1795248487973-Tenancy';

/** Every migration in order; listed explicitly so compiled and ts-node runs see the same set. */
export const ALL_MIGRATIONS: Function[] = [Tenancy1795248487973];
