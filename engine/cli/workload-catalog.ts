// The built-in workloads, as `bpfexc` finds them: the CLI is what knows where the built-in
// catalog lives (benchmarks/workloads/catalog.json beside the package) and hands its path
// to the engine's catalog reader.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog as readCatalog, unknownWorkload as unknownIn, type CatalogWorkload } from '../inputs/workload-catalog.ts';

export { looksLikeWorkloadName, type CatalogWorkload } from '../inputs/workload-catalog.ts';

export const CATALOG_PATH = join(fileURLToPath(new URL('../../', import.meta.url)), 'benchmarks', 'workloads', 'catalog.json');

export const loadCatalog = (): CatalogWorkload[] => readCatalog(CATALOG_PATH);

export function workloadByName(name: string): CatalogWorkload | undefined {
  return loadCatalog().find((w) => w.name === name);
}

export const unknownWorkload = (name: string) => unknownIn(name, loadCatalog());
