/** Every migration in order; listed explicitly so compiled and ts-node runs see the same set. */
export const ALL_MIGRATIONS: Function[] = [];
