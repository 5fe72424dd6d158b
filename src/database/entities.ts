/** Every TypeORM entity, listed explicitly so that compiled and ts-node runs see the same set. */
export const ALL_ENTITIES: Function[] = [];
