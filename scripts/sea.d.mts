/** Where `npm run build` puts the single executable. */
export declare const SEA_PATH: string;
/** Builds the single executable at `out` (default dist/hookvisor) from `node` (default: the running node); resolves to its path. */
export declare function buildSea(options?: { out?: string; node?: string }): Promise<string>;
